/**
 * `miascope experiment run --backend`: the choice reaches the trials on worker
 * threads without changing the results lines of CPU trials.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuTest } from '../engine/webgpu-setup.ts';
import { miascope, resultLines, TOY_ID } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-experiment-backend-'));

function runToy(out: string, ...args: string[]) {
  const run = miascope('experiment', 'run', TOY_ID, '--out', out, '--workers', '2', '--quiet', ...args);
  assert.is(run.code, 0, run.stderr);
  return run;
}

test('cpu backend keeps results lines', () => {
  runToy(join(scratch, 'default'));
  runToy(join(scratch, 'cpu'), '--backend', 'cpu');
  assert.is(resultLines(join(scratch, 'cpu')).length, 12);
  assert.equal(resultLines(join(scratch, 'cpu')), resultLines(join(scratch, 'default')));
});

test('invalid backend exits 2', () => {
  const out = join(scratch, 'tpu');
  const run = miascope('experiment', 'run', TOY_ID, '--backend', 'tpu', '--out', out);
  assert.is(run.code, 2);
  assert.match(run.stderr, '--backend "tpu" is invalid; choose one of auto, cpu, webgpu');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
  assert.not.ok(existsSync(out), 'no output folder');
});

test('run help names the backend', () => {
  const run = miascope('experiment', 'run', '--help');
  assert.is(run.code, 0);
  assert.match(run.stdout, '--backend cpu|webgpu|auto');
});

gpuTest(test, 'webgpu leaves non-ann trials alone', () => {
  // The toy trials train logistic regression, which has no WebGPU path: their lines match the CPU run's.
  runToy(join(scratch, 'webgpu-toy'), '--backend', 'webgpu');
  assert.equal(resultLines(join(scratch, 'webgpu-toy')), resultLines(join(scratch, 'default')));
});

gpuTest(test, 'webgpu ann trials on workers', () => {
  // Trials 1 and 8 of table5's quick list: the unregularised network and predictive fairness, one per worker, each with its own device.
  const out = join(scratch, 'webgpu-table5');
  const run = miascope('experiment', 'run', 'table5-defences', '--shard', '1/7', '--workers', '2', '--backend', 'webgpu', '--out', out);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stderr, /backend webgpu: adapter /);
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  assert.is(records.length, 2);
  for (const record of records) {
    assert.is(record.status, 'ok', JSON.stringify(record.error));
    assert.is(record.data.backend, 'webgpu', `trial at point ${JSON.stringify(record.point)}`);
    assert.ok(record.metrics.targetTestAccuracy > 0.7, `test accuracy ${record.metrics.targetTestAccuracy}`);
  }
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
