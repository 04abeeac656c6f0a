import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { miascope, TOY_ID } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-experiment-cli-'));

test('help lists subcommands', () => {
  const run = miascope('experiment', '--help');
  assert.is(run.code, 0);
  for (const word of ['list', 'run ID', 'merge OUT', 'report DIR']) assert.match(run.stdout, word);
});

test('run help lists options', () => {
  const run = miascope('experiment', 'run', '--help');
  assert.is(run.code, 0);
  for (const option of ['--all', '--profile', '--protocol', '--dataset', '--data-path', '--workers', '--shard', '--out', '--prune-threshold', '--quiet']) {
    assert.match(run.stdout, option);
  }
});

test('list shows trials per profile', () => {
  const run = miascope('experiment', 'list');
  assert.is(run.code, 0);
  // Quick runs 4 points × 3 trials × 1 dataset, and paper 3 points × 5 trials × 1 dataset.
  assert.match(run.stdout, new RegExp(`${TOY_ID}\\s+12\\s+15\\s+Toy:`));
});

test('unknown experiment exits 2', () => {
  const run = miascope('experiment', 'run', 'fig99-nothing', '--out', join(scratch, 'unknown'));
  assert.is(run.code, 2);
  assert.match(run.stderr, 'unknown experiment "fig99-nothing"');
  assert.match(run.stderr, TOY_ID);
  assert.not.ok(existsSync(join(scratch, 'unknown')));
});

test('bad shards exit 2', () => {
  for (const shard of ['3/2', '0/0']) {
    const run = miascope('experiment', 'run', TOY_ID, '--shard', shard, '--out', join(scratch, 'shard'));
    assert.is(run.code, 2, shard);
    assert.match(run.stderr, `--shard "${shard}" is invalid`);
  }
});

test('unknown profile exits 2', () => {
  const run = miascope('experiment', 'run', TOY_ID, '--profile', 'huge', '--out', join(scratch, 'profile'));
  assert.is(run.code, 2);
  assert.match(run.stderr, '--profile "huge" is invalid; use one of quick, paper');
});

test('unknown dataset exits 2', () => {
  const run = miascope('experiment', 'run', TOY_ID, '--dataset', 'iris', '--out', join(scratch, 'iris'));
  assert.is(run.code, 2);
  assert.match(run.stderr, 'unknown dataset "iris"');
});

test('out of another profile exits 2', () => {
  const out = join(scratch, 'profiles');
  assert.is(miascope('experiment', 'run', TOY_ID, '--out', out, '--quiet', '--workers', '1').code, 0);
  const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
  const run = miascope('experiment', 'run', TOY_ID, '--profile', 'paper', '--out', out, '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'contains results of profile quick');
  assert.match(run.stderr, 'choose another --out');
  assert.is(readFileSync(join(out, 'results.jsonl'), 'utf8'), before);
});

test('merge rejects conflicting results', () => {
  const source = readFileSync(join(scratch, 'profiles', 'results.jsonl'), 'utf8');
  const changed = join(scratch, 'changed');
  mkdirSync(changed);
  writeFileSync(join(changed, 'results.jsonl'), source.replace(/"attackAccuracy":[0-9.]+/, '"attackAccuracy":0.123'));
  const run = miascope('experiment', 'merge', join(scratch, 'conflict'), join(scratch, 'profiles'), changed);
  assert.is(run.code, 2);
  assert.match(run.stderr, 'contain different results for trial');
  assert.not.ok(existsSync(join(scratch, 'conflict', 'results.jsonl')));
});

test('report rewrites files', () => {
  const out = join(scratch, 'profiles');
  const csv = join(out, TOY_ID, 'adult-sound.csv');
  const before = readFileSync(csv, 'utf8');
  writeFileSync(csv, 'stale');
  const run = miascope('experiment', 'report', out, '--prune-threshold', '0');
  assert.is(run.code, 0, run.stderr);
  const after = readFileSync(csv, 'utf8');
  assert.not.match(after, 'pruned');
  assert.is(after.split('\n')[0], before.split('\n')[0]);
});

test('report without results exits 2', () => {
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  const run = miascope('experiment', 'report', empty);
  assert.is(run.code, 2);
  assert.match(run.stderr, 'is missing or empty');
});

test.run();
