import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'miascope-cli-'));
// Small and short, so that each audit takes about a second.
const SMALL = ['--target-size', '300', '--shadow-size', '300', '--epochs', '3', '--quiet'];

function miascope(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function csv(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

test('version prints package version', () => {
  const run = miascope('--version');
  assert.is(run.code, 0);
  assert.is(run.stdout.trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
});

test('help lists audit', () => {
  const run = miascope('--help');
  assert.is(run.code, 0);
  assert.match(run.stdout, 'audit');
});

test('audit help lists options', () => {
  const run = miascope('audit', '--help');
  assert.is(run.code, 0);
  for (const option of ['--dataset', '--label', '--positive', '--target-size', '--shadow-size', '--member-rate', '--seed', '--out', '--json', '--quiet']) {
    assert.match(run.stdout, option);
  }
});

test('unknown command exits 2', () => {
  const run = miascope('attack-everything');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'unknown command "attack-everything"');
});

test('unknown option exits 2', () => {
  const run = miascope('audit', '--target-sise', '10');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'unknown option --target-sise');
});

test('missing dataset file exits 2', () => {
  const run = miascope('audit', '--dataset', 'missing.csv');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'dataset file not found: missing.csv');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('missing label column exits 2', () => {
  const path = csv('no-label.csv', 'a,b,c\n1,2,x\n3,4,y\n');
  const run = miascope('audit', '--dataset', path, '--label', 'income');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'income');
  assert.match(run.stderr, '--label');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('single-class label exits 2', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 3},yes`).join('\n');
  const path = csv('single-class.csv', `a,b,label\n${rows}\n`);
  const run = miascope('audit', '--dataset', path, '--label', 'label');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'single class');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('oversized request exits 2', () => {
  const run = miascope('audit', '--target-size', '20000', '--shadow-size', '10000', '--quiet');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'need 60000 records');
});

test('invalid member rate exits 2', () => {
  const run = miascope('audit', '--member-rate', '1.5');
  assert.is(run.code, 2);
  assert.match(run.stderr, '--member-rate "1.5" is invalid');
});

function withoutTiming(path: string): unknown {
  const result = JSON.parse(readFileSync(path, 'utf8'));
  assert.type(result.timing.totalSeconds, 'number');
  delete result.timing;
  return result;
}

test('invalid missing policy exits 2', () => {
  const run = miascope('audit', '--missing', 'ignore');
  assert.is(run.code, 2);
  assert.match(run.stderr, '--missing "ignore" is invalid; use one of drop-rows, error, impute');
});

test('missing policy error names the cell', () => {
  const lines = ['a,b,label', '1,2,x', '3,,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i},${i % 2 ? 'x' : 'y'}`)];
  const path = csv('with-gap.csv', lines.join('\n') + '\n');
  const run = miascope('audit', '--dataset', path, '--label', 'label', '--missing', 'error');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'b');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('negative size is one clear line', () => {
  const run = miascope('audit', '--target-size', '-5');
  assert.is(run.code, 2);
  assert.is(run.stderr.trim(), 'miascope: --target-size "-5" is invalid; give a whole number ≥ 2');
});

test('unwritable out folder fails before training', () => {
  const file = csv('plain-file.txt', 'not a folder\n');
  const run = miascope('audit', '--out', join(file, 'results'));
  assert.is(run.code, 2);
  assert.match(run.stderr, `--out ${join(file, 'results')} lies under ${file}, which is a file`);
  assert.is(run.stdout, '', 'nothing was trained or printed');
});

test('single-class training draw exits 2', () => {
  const run = miascope('audit', '--target-size', '2', '--shadow-size', '2', '--seed', '3');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'contains only class');
  assert.match(run.stderr, 'raise --target-size');
});

test('non-terminal progress prints each stage once', () => {
  const run = spawnSync(process.execPath, [BIN, 'audit', '--target-size', '300', '--shadow-size', '300', '--epochs', '3'], { encoding: 'utf8' });
  assert.is(run.status, 0);
  const [choice, ...stages] = run.stderr.trim().split('\n');
  assert.match(choice, /^miascope: backend auto: cpu \(an ANN training step is 1\.0 MFLOP, under the 20 MFLOP at which WebGPU starts to gain\)$/);
  assert.equal(stages, ['miascope: training the target and shadow models', 'miascope: training the attack models']);
});

test('several shadows each get a row', () => {
  const run = miascope('audit', ...SMALL, '--shadows', '3', '--json');
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.shadows.length, 3);
  assert.is(result.config.shadows, 3);
  assert.is(result.attack.members, 300);
});

test('unknown model family exits 2', () => {
  const run = miascope('audit', '--target', 'transformer');
  assert.is(run.code, 2);
  assert.match(run.stderr, '--target "transformer" is invalid; choose one of');
});

test('family options reach the model', () => {
  const run = miascope('audit', ...SMALL, '--target', 'knn', '--shadow', 'knn', '--set', 'knn.k=1', '--json');
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.config.familyOptions, { knn: { k: 1 } });
  assert.is(result.target.trainAccuracy, 1, 'k = 1 recalls every member');
});

test('misspelt family option exits 2', () => {
  const run = miascope('audit', '--target', 'knn', '--set', 'knn.kk=3');
  assert.is(run.code, 2);
  assert.match(run.stderr, '--set knn.kk=3 is invalid: knn has no option kk; its options are k,');
});

test('shadows count with all exits 2', () => {
  const run = miascope('audit', '--shadow', 'all', '--shadows', '3');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'does not apply to --shadow all');
});

test('same seed gives identical result.json', () => {
  const first = join(scratch, 'first');
  const second = join(scratch, 'second');
  assert.is(miascope('audit', ...SMALL, '--seed', '7', '--out', first).code, 0);
  assert.is(miascope('audit', ...SMALL, '--seed', '7', '--out', second).code, 0);
  assert.equal(withoutTiming(join(first, 'result.json')), withoutTiming(join(second, 'result.json')));
  assert.equal(readdirSync(first), ['result.json'], 'no temporary file left behind');
});

test('thread count leaves result unchanged', () => {
  const inline = join(scratch, 'inline');
  assert.is(miascope('audit', ...SMALL, '--seed', '7', '--threads', '1', '--out', inline).code, 0);
  assert.equal(withoutTiming(join(inline, 'result.json')), withoutTiming(join(scratch, 'first', 'result.json')));
});

test('other seed gives other result', () => {
  const other = join(scratch, 'other');
  assert.is(miascope('audit', ...SMALL, '--seed', '8', '--out', other).code, 0);
  assert.not.equal(withoutTiming(join(other, 'result.json')), withoutTiming(join(scratch, 'first', 'result.json')));
});

test('json output carries every attack metric', () => {
  const run = miascope('audit', ...SMALL, '--json');
  assert.is(run.code, 0);
  const result = JSON.parse(run.stdout);
  for (const field of ['accuracy', 'balancedAccuracy', 'precision', 'recall', 'auc', 'advantage', 'tprAtOnePercentFpr', 'tprAtTenthPercentFpr']) {
    assert.type(result.attack[field], 'number', field);
    assert.type(result.metricAttacks.loss[field], 'number', `loss ${field}`);
  }
  assert.ok(result.attack.roc.fpr.length >= 2);
  assert.is(result.protocol, 'sound');
});

test('member rate 0.75 sets trivial accuracy', () => {
  const run = miascope('audit', ...SMALL, '--member-rate', '0.75', '--json');
  assert.is(run.code, 0);
  const result = JSON.parse(run.stdout);
  assert.is(result.evaluation.members, 300);
  assert.is(result.evaluation.nonMembers, 100);
  assert.is(result.evaluation.trivialAccuracy, 0.75);
});

test('summary shows trivial baseline', () => {
  const run = miascope('audit', ...SMALL);
  assert.is(run.code, 0);
  assert.match(run.stdout, 'trivial accuracy 0.50');
  assert.match(run.stdout, 'shadow model (ann)');
  assert.match(run.stdout, 'loss threshold');
});

test('csv with label audits', () => {
  const lines = ['x1,x2,colour,label'];
  for (let i = 0; i < 400; i++) lines.push(`${i % 17},${(i * 7) % 13},${['red', 'blue', 'green'][i % 3]},${i % 17 > 8 ? 'hi' : 'lo'}`);
  const path = csv('toy.csv', lines.join('\r\n') + '\r\n');
  const run = miascope('audit', '--dataset', path, '--label', 'label', '--positive', 'hi', '--epochs', '3', '--json', '--quiet');
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.config.targetSize, 100);
  assert.equal(result.dataset.classNames, ['lo', 'hi']);
});

test.run();
