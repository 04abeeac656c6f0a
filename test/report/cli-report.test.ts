import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));
const SMALL = ['--target-size', '300', '--shadow-size', '300', '--epochs', '3', '--membership-repeats', '0', '--quiet'];

function miascope(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('audit help mentions report', () => {
  const run = miascope('audit', '--help');
  assert.is(run.code, 0);
  assert.match(run.stdout, '--report FILE');
});

test('audit writes report and result', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-report-cli-'));
  const report = join(folder, 'pages', 'report.html');
  const run = miascope('audit', ...SMALL, '--out', folder, '--report', report);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, `Report written to ${report}`);
  const page = readFileSync(report, 'utf8');
  assert.ok(page.startsWith('<!DOCTYPE html>'), page.slice(0, 40));
  assert.ok(page.trimEnd().endsWith('</html>'), 'complete page');
  const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
  assert.ok(page.includes(result.attack.auc.toFixed(4)), `AUC ${result.attack.auc} of result.json`);
  assert.equal(readdirSync(join(folder, 'pages')), ['report.html']);
});

test('report without out keeps json stdout', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-report-cli-'));
  const report = join(folder, 'report.html');
  const run = miascope('audit', ...SMALL, '--json', '--report', report);
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.ok(readFileSync(report, 'utf8').includes(result.attack.auc.toFixed(4)));
});

test('unwritable report path exits 2', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-report-cli-'));
  const file = join(folder, 'a-file');
  writeFileSync(file, 'not a folder');
  const run = miascope('audit', ...SMALL, '--report', join(file, 'report.html'));
  assert.is(run.code, 2);
  assert.match(run.stderr, '--report FILE');
  assert.equal(readdirSync(folder), ['a-file']);
});

test('report path that is a folder exits 2', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-report-cli-'));
  const run = miascope('audit', ...SMALL, '--report', folder);
  assert.is(run.code, 2);
  assert.match(run.stderr, 'is a folder');
  assert.equal(readdirSync(folder), []);
});

test.run();
