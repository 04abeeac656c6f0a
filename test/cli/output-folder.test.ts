import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'miascope-output-'));

function miascope(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function csv(name: string, lines: string[]): string {
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

// 40 records, two classes in the label column y.
const SMALL = csv('small.csv', ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${(i * 7) % 13},${i % 3 === 0 ? 'u' : 'v'},${i % 2}`)]);
const ONE_CLASS = csv('one-class.csv', ['a,y', ...Array.from({ length: 40 }, (_, i) => `${i},1`)]);
const UNCLOSED_QUOTE = csv('unclosed.csv', ['a,y', '1,0', '"2,1']);

test('failed audits leave no out folder', () => {
  const cases: [string, string[], string][] = [
    ['missing file', ['--dataset', join(scratch, 'nothere.csv')], 'dataset file not found'],
    ['bad csv', ['--dataset', UNCLOSED_QUOTE, '--label', 'y'], 'invalid CSV'],
    ['wrong label', ['--dataset', SMALL, '--label', 'nope'], 'label column "nope" not found'],
    ['single class', ['--dataset', ONE_CLASS, '--label', 'y'], 'has a single class'],
    ['size too large', ['--dataset', SMALL, '--label', 'y', '--target-size', '5000'], 'lower --target-size'],
    ['bad set value', ['--dataset', SMALL, '--label', 'y', '--set', 'svm.C=0'], '--set svm.C=0 is invalid'],
  ];
  for (const [name, args, message] of cases) {
    const parent = join(scratch, `failed-${name.replaceAll(' ', '-')}`);
    const run = miascope('audit', ...args, '--out', join(parent, 'o'), '--quiet');
    assert.is(run.code, 2, `${name}: ${run.stderr}`);
    assert.match(run.stderr, message, name);
    assert.not.ok(existsSync(parent), `${name}: ${parent} was left behind`);
  }
});

test('failed audit keeps existing out folder', () => {
  const existing = join(scratch, 'existing');
  mkdirSync(existing);
  const run = miascope('audit', '--dataset', join(scratch, 'nothere.csv'), '--out', existing);
  assert.is(run.code, 2);
  assert.ok(existsSync(existing));
});

test('failed defend leaves no out folder', () => {
  const parent = join(scratch, 'failed-defend');
  const run = miascope('defend', '--dataset', join(scratch, 'nothere.csv'), '--out', join(parent, 'o'));
  assert.is(run.code, 2);
  assert.not.ok(existsSync(parent));
});

test('failed report path leaves no folder', () => {
  const parent = join(scratch, 'failed-report');
  const run = miascope('audit', '--dataset', join(scratch, 'nothere.csv'), '--report', join(parent, 'sub', 'r.html'));
  assert.is(run.code, 2);
  assert.not.ok(existsSync(parent));
});

test('interrupted audit leaves no out folder', async () => {
  const parent = join(scratch, 'interrupted');
  const child = spawn(process.execPath, [BIN, 'audit', '--dataset', SMALL, '--label', 'y', '--epochs', '100000', '--membership-repeats', '0', '--out', join(parent, 'o')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // The first progress line on stderr means the data loaded and training started.
  await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
  child.kill('SIGINT');
  await exited;
  assert.not.ok(existsSync(parent), `${parent} was left behind`);
});

test('out that is a file is named', () => {
  const file = csv('plain-file', ['not a folder']);
  for (const command of ['audit', 'defend']) {
    const run = miascope(command, '--out', file, '--quiet');
    assert.is(run.code, 2, command);
    assert.match(run.stderr, `--out ${file} is a file; give a folder`, command);
    assert.not.match(run.stderr, 'EEXIST', command);
  }
});

test('out under a file is named', () => {
  const file = csv('another-file', ['not a folder']);
  const run = miascope('audit', '--out', join(file, 'sub'), '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, `which is a file`);
  assert.not.match(run.stderr, 'ENOTDIR');
});

test('set for unused family is validated', () => {
  const cases: [string, string][] = [
    ['knn.kk=3', '--set knn.kk=3 is invalid: knn has no option kk; its options are k,'],
    ['knn.k=abc', '--set knn.k="abc" is invalid: k must be an integer ≥ 1'],
    ['rf.nEstimators=0', '--set rf.nEstimators=0 is invalid: nEstimators must be'],
  ];
  for (const [setting, message] of cases) {
    // The default target and shadow are ANNs, so knn and rf are never trained.
    const run = miascope('audit', '--set', setting, '--quiet');
    assert.is(run.code, 2, setting);
    assert.match(run.stderr, message, setting);
    assert.not.match(run.stderr, 'Classifier', setting);
  }
});

test('seed without value is named', () => {
  for (const args of [['audit', '--seed'], ['audit', '--seed', '--quiet'], ['defend', '--seed'], ['properties', '--seed']]) {
    const run = miascope(...args);
    assert.is(run.code, 2, args.join(' '));
    assert.match(run.stderr, '--seed needs a value, e.g. --seed 1', args.join(' '));
    assert.not.match(run.stderr, 'ambiguous', args.join(' '));
  }
});

test('negative seed still parses', () => {
  // The size check comes after option parsing, so its message shows that --seed -3 parsed.
  const run = miascope('audit', '--seed', '-3', '--target-size', '1');
  assert.is(run.code, 2);
  assert.match(run.stderr, '--target-size "1" is invalid');
});

test('properties accepts quiet', () => {
  const run = miascope('properties', '--dataset', SMALL, '--label', 'y', '--quiet');
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stderr, '');
  assert.match(run.stdout, 'miascope properties');
});

test('audit help says report creates folders', () => {
  const run = miascope('audit', '--help');
  assert.is(run.code, 0);
  assert.match(run.stdout, /--report FILE[\s\S]*creates\s+missing folders/);
});

test('report creates missing folders', () => {
  const report = join(scratch, 'new', 'deeper', 'r.html');
  const out = join(scratch, 'new-out', 'o');
  const run = miascope('audit', '--dataset', SMALL, '--label', 'y', '--target-size', '10', '--shadow-size', '10', '--epochs', '1', '--membership-repeats', '0', '--quiet', '--report', report, '--out', out);
  assert.is(run.code, 0, run.stderr);
  assert.ok(existsSync(report));
  assert.equal(readdirSync(out), ['result.json']);
});

test.run();
