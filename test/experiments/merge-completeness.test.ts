import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { miascope, startMiascope, TOY_ID } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-merge-'));
const shard = join(scratch, 'shard1');
const merged = join(scratch, 'merged');

test('merge of one shard warns', () => {
  const run = miascope('experiment', 'run', TOY_ID, '--shard', '1/2', '--out', shard, '--workers', '1', '--quiet');
  assert.is(run.code, 0, run.stderr);
  const merge = miascope('experiment', 'merge', merged, shard, '--html');
  assert.is(merge.code, 0, merge.stderr);
  assert.match(merge.stdout, 'merged 6 trials');
  // The quick profile runs 4 points × 3 trials on adult, and the first of two shards contains half of them.
  assert.match(merge.stderr, `${TOY_ID} adult sound: 6 of 12 trials; a shard may be missing`);
});

test('index counts expected trials', () => {
  const index = readFileSync(join(merged, 'index.md'), 'utf8');
  const row = index.split('\n').find((line) => line.includes(TOY_ID));
  assert.ok(row !== undefined, index);
  assert.match(row!, /\| \d+\/12 \|/);
  assert.not.match(row!, /\| \d+\/6 \|/);
});

test('point table counts expected trials', () => {
  const markdown = readFileSync(join(merged, TOY_ID, 'adult-sound.md'), 'utf8');
  assert.match(markdown, 'the profile runs 12, so 6 are missing');
  assert.match(markdown, /\| \d\/3 \|/);
});

test('full merge has no warning', () => {
  const second = join(scratch, 'shard2');
  assert.is(miascope('experiment', 'run', TOY_ID, '--shard', '2/2', '--out', second, '--workers', '1', '--quiet').code, 0);
  const merge = miascope('experiment', 'merge', join(scratch, 'complete'), shard, second);
  assert.is(merge.code, 0, merge.stderr);
  assert.not.match(merge.stderr, 'a shard may be missing');
  // The three trials of trainSize 2 fail by design of the toy spec, so 9 of 12 are ok.
  assert.match(readFileSync(join(scratch, 'complete', 'index.md'), 'utf8'), /\| 9\/12 \|/);
});

test('html heads by protocols present', () => {
  const page = readFileSync(join(merged, 'report.html'), 'utf8');
  assert.match(page, '<h3>Sound protocol on adult</h3>');
  assert.not.match(page, 'Both protocols');
  assert.match(readFileSync(join(merged, 'claims.md'), 'utf8'), '# Claims and results, sound protocol');
});

test('merge and report accept quiet', () => {
  const merge = miascope('experiment', 'merge', join(scratch, 'quiet'), shard, '--quiet');
  assert.is(merge.code, 0, merge.stderr);
  const report = miascope('experiment', 'report', merged, '--quiet');
  assert.is(report.code, 0, report.stderr);
  assert.is(miascope('experiment', 'list', '--quiet').code, 0);
});

test('merge into a file is named', () => {
  const run = miascope('experiment', 'merge', join(shard, 'results.jsonl'), shard);
  assert.is(run.code, 2);
  assert.match(run.stderr, 'is a file; give a folder');
});

test('run out that is a file is named', () => {
  const run = miascope('experiment', 'run', TOY_ID, '--out', join(shard, 'results.jsonl'), '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, `--out ${join(shard, 'results.jsonl')} is a file; give a folder`);
  assert.not.match(run.stderr, 'EEXIST');
});

test('failed run leaves no empty folder', () => {
  // A pooling experiment alone has no trials of its own, so the run fails after creating --out.
  const parent = join(scratch, 'pooling-only');
  const run = miascope('experiment', 'run', 'table4-correlations', '--out', join(parent, 'o'), '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'pools the results of');
  assert.not.ok(existsSync(parent), `${parent} was left behind`);
});

test('interrupted run leaves no empty folder', async () => {
  const out = join(scratch, 'interrupted');
  // The paper profile of the toy spec waits per trial, so the run is still going when the signal comes.
  const child = startMiascope('experiment', 'run', TOY_ID, '--profile', 'paper', '--out', out, '--workers', '1', '--quiet');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let attempt = 0; attempt < 2000 && !existsSync(join(out, '.miascope-run.lock')); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGINT');
  assert.is(await exited, 130);
  if (existsSync(out)) {
    // A trial finished before the signal: its results stay for a rerun to resume, and the run's lock goes.
    assert.equal(readdirSync(out), ['results.jsonl']);
    assert.ok(readFileSync(join(out, 'results.jsonl'), 'utf8').length > 0, 'an empty results.jsonl was left behind');
  }
});

test.run();
