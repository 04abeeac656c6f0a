import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { miascope, resultLines, startMiascope, TOY_ID } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-runner-'));

function runToy(out: string, ...extra: string[]) {
  const run = miascope('experiment', 'run', TOY_ID, '--out', out, '--quiet', ...extra);
  assert.is(run.code, 0, run.stderr);
  return run;
}

test('worker counts give identical results', () => {
  runToy(join(scratch, 'one'), '--workers', '1');
  runToy(join(scratch, 'two'), '--workers', '2');
  const one = resultLines(join(scratch, 'one'));
  assert.is(one.length, 12);
  assert.equal(resultLines(join(scratch, 'two')), one);
});

test('results file is in canonical order', () => {
  const records = resultLines(join(scratch, 'two')).map((line) => JSON.parse(line));
  const order = records.map((record) => [record.pointIndex, record.trial]);
  const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.equal(order, sorted);
});

test('failed trials keep their message', () => {
  const records = resultLines(join(scratch, 'one')).map((line) => JSON.parse(line));
  const failed = records.filter((record) => record.status === 'failed');
  assert.is(failed.length, 3);
  for (const record of failed) {
    assert.equal(record.point, { trainSize: 2 });
    assert.match(record.error, 'trainSize 2 is too small');
    assert.equal(record.metrics, {});
  }
});

test('records carry seed and version', () => {
  const records = resultLines(join(scratch, 'one')).map((line) => JSON.parse(line));
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  assert.is(new Set(records.map((record) => record.seed)).size, 12);
  for (const record of records) {
    assert.is(record.miascope, version);
    assert.ok(Number.isInteger(record.seed));
    assert.ok(record.seed >= 0);
    assert.ok(record.seed < 2 ** 32);
  }
});

test('rerun of a finished run reorders only', () => {
  const folder = join(scratch, 'reordered');
  mkdirSync(folder);
  const lines = readFileSync(join(scratch, 'one', 'results.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
  // A run killed after its last append but before the canonical rewrite leaves lines in completion order.
  writeFileSync(join(folder, 'results.jsonl'), `${[...lines].reverse().join('\n')}\n`);
  const run = runToy(folder, '--workers', '2');
  assert.match(run.stdout, 'ran 0 trials');
  assert.match(run.stdout, 'skipped 12');
  assert.is(readFileSync(join(folder, 'results.jsonl'), 'utf8'), `${lines.join('\n')}\n`);
});

test('merged shards equal one run', () => {
  runToy(join(scratch, 'shard1'), '--shard', '1/2', '--workers', '1');
  runToy(join(scratch, 'shard2'), '--shard', '2/2', '--workers', '2');
  assert.is(resultLines(join(scratch, 'shard1')).length, 6);
  assert.is(resultLines(join(scratch, 'shard2')).length, 6);
  assert.not.ok(existsSync(join(scratch, 'shard1', 'index.md')), 'a shard writes no report');

  const merged = miascope('experiment', 'merge', join(scratch, 'merged'), join(scratch, 'shard2'), join(scratch, 'shard1'));
  assert.is(merged.code, 0, merged.stderr);
  assert.equal(resultLines(join(scratch, 'merged')), resultLines(join(scratch, 'one')));
  assert.ok(existsSync(join(scratch, 'merged', TOY_ID, 'adult-sound.csv')));
});

/** Resolves once `folder/results.jsonl` contains at least `lines` complete lines, or rejects after `timeoutMs`. */
async function waitForLines(folder: string, lines: number, timeoutMs: number): Promise<void> {
  const path = join(folder, 'results.jsonl');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length - 1 >= lines) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${path} did not reach ${lines} lines within ${timeoutMs} ms`);
}

test('killed run resumes to the same results', async () => {
  const killed = join(scratch, 'killed');
  const child = startMiascope('experiment', 'run', TOY_ID, '--profile', 'paper', '--out', killed, '--workers', '1', '--quiet');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await waitForLines(killed, 3, 20_000);
  child.kill('SIGKILL');
  await exited;

  const written = resultLines(killed);
  assert.ok(written.length >= 3, `${written.length} trials before the kill`);
  assert.ok(written.length < 15, `the kill came after all ${written.length} trials`);
  assert.ok(existsSync(join(killed, '.miascope-run.lock')), 'the killed run leaves its lock behind');
  // A kill during a write leaves the start of a line without its newline.
  appendFileSync(join(killed, 'results.jsonl'), '{"experiment":"toy-train-size","dataset":"ad');

  runToy(killed, '--profile', 'paper', '--workers', '1');
  runToy(join(scratch, 'whole'), '--profile', 'paper', '--workers', '2');
  assert.equal(resultLines(killed), resultLines(join(scratch, 'whole')));
  assert.is(resultLines(killed).length, 15);
  assert.not.ok(existsSync(join(killed, '.miascope-run.lock')), 'a finished run releases its lock');
});

test('torn last line is cut before appending', () => {
  const folder = join(scratch, 'torn');
  mkdirSync(folder);
  const path = join(folder, 'results.jsonl');
  const lines = readFileSync(join(scratch, 'one', 'results.jsonl'), 'utf8').split('\n');
  // Keep six whole lines and half of the seventh.
  writeFileSync(path, `${lines.slice(0, 6).join('\n')}\n${lines[6].slice(0, 40)}`);
  const run = runToy(folder, '--workers', '2');
  assert.match(run.stdout, 'ran 6 trials');
  assert.match(run.stdout, 'skipped 6');
  assert.equal(resultLines(folder), resultLines(join(scratch, 'one')));
});

test('live lock from another run is rejected', () => {
  const folder = join(scratch, 'locked');
  mkdirSync(folder);
  // This test process is alive, so its pid marks a run in progress.
  writeFileSync(join(folder, '.miascope-run.lock'), `${process.pid} ${hostname()}`);
  const run = miascope('experiment', 'run', TOY_ID, '--out', folder, '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'another miascope run');
});

test.run();
