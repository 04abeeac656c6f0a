import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExperimentSpec } from '../../experiments/spec.ts';
import { expandTrials, parseShard, selectShard, trialKey, trialSeed } from '../../experiments/trials.ts';

function spec(id: string, pools?: string[]): ExperimentSpec {
  return {
    id,
    title: id,
    claim: '',
    profiles: {
      quick: { points: [{ size: 1, depth: 2 }, { size: 2, depth: 2 }], trials: 3, datasets: ['adult'], settings: {} },
      paper: { points: [{ size: 1, depth: 2 }], trials: 10, datasets: ['adult', 'texas'], settings: {} },
    },
    metrics: ['attackAccuracy'],
    view: { kind: 'sweep', x: 'size' },
    pools,
    run: async () => ({ metrics: {} }),
  };
}

test('expansion order and counts', () => {
  const trials = expandTrials([spec('a'), spec('pooling', ['a']), spec('b')], 'quick', 'sound');
  assert.is(trials.length, 12);
  assert.equal(
    trials.slice(0, 4).map((trial) => [trial.experiment, trial.pointIndex, trial.trial]),
    [['a', 0, 0], ['a', 0, 1], ['a', 0, 2], ['a', 1, 0]],
  );
  assert.is(trials[6].experiment, 'b');
  assert.is(expandTrials([spec('a')], 'paper', 'paper').length, 20);
  assert.equal(
    expandTrials([spec('a')], 'quick', 'sound', ['texas', 'purchase']).map((trial) => trial.dataset),
    [...Array(6).fill('texas'), ...Array(6).fill('purchase')],
  );
});

test('seed ignores point key order', () => {
  assert.is(trialSeed('a', 'adult', 'sound', { size: 1, depth: 2 }, 0), trialSeed('a', 'adult', 'sound', { depth: 2, size: 1 }, 0));
  assert.is(trialKey({ experiment: 'a', dataset: 'adult', protocol: 'sound', profile: 'quick', point: { size: 1, depth: 2 }, trial: 0 }),
    trialKey({ experiment: 'a', dataset: 'adult', protocol: 'sound', profile: 'quick', point: { depth: 2, size: 1 }, trial: 0 }));
});

test('seed changes with every input', () => {
  const base = trialSeed('a', 'adult', 'sound', { size: 1 }, 0);
  assert.is.not(trialSeed('b', 'adult', 'sound', { size: 1 }, 0), base);
  assert.is.not(trialSeed('a', 'texas', 'sound', { size: 1 }, 0), base);
  assert.is.not(trialSeed('a', 'adult', 'paper', { size: 1 }, 0), base);
  assert.is.not(trialSeed('a', 'adult', 'sound', { size: 2 }, 0), base);
  assert.is.not(trialSeed('a', 'adult', 'sound', { size: 1 }, 1), base);
  assert.ok(Number.isInteger(base));
  assert.ok(base >= 0);
  assert.ok(base < 2 ** 32);
});

test('shards partition the trials', () => {
  const trials = expandTrials([spec('a'), spec('b')], 'quick', 'sound');
  const shards = [1, 2, 3, 4, 5].map((index) => selectShard(trials, { index, count: 5 }));
  assert.equal(shards.map((shard) => shard.length), [3, 3, 2, 2, 2]);
  const keys = shards.flat().map(trialKey).sort();
  assert.equal(keys, trials.map(trialKey).sort());
  assert.equal(shards[1].map((trial) => trials.indexOf(trial)), [1, 6, 11]);
});

test('parseShard accepts only i/n', () => {
  assert.equal(parseShard('2/3'), { index: 2, count: 3 });
  assert.equal(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['3/2', '0/0', '0/2', '1/0', 'two', '1/2/3', '-1/2', '1.5/2', '']) {
    assert.throws(() => parseShard(bad), (error: Error) => error.name === 'MiascopeError', bad);
    assert.throws(() => parseShard(bad), /is invalid/, bad);
  }
});

test.run();
