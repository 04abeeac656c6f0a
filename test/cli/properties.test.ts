import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'miascope-cli-properties-'));

function miascope(args: string[], env: Record<string, string | undefined> = {}) {
  const environment = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: environment });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// A file with the header of the authors' Texas.csv: 17 numeric features, then the label `class`.
const TEXAS_FEATURES = [
  'sex_code', 'race', 'illness_severity', 'type_of_admission', 'source_of_admission', 'pat_state_notused', 'pat_zip', 'county',
  'public_health_region', 'admit_weekday', 'length_of_stay', 'pat_age', 'pat_status', 'ethnicity', 'princ_surg_proc_code',
  'princ_surg_proc_day', 'risk_mortality',
];
const texasCsv = join(scratch, 'Texas.csv');
const texasRow = (i: number) => [...TEXAS_FEATURES.map((_, j) => (i * (j + 1)) % 7), i % 4 === 0 ? 1 : 0].join(',');
writeFileSync(texasCsv, [[...TEXAS_FEATURES, 'class'].join(','), ...Array.from({ length: 20 }, (_, i) => texasRow(i))].join('\r\n') + '\r\n');

test('help lists properties', () => {
  const run = miascope(['--help']);
  assert.is(run.code, 0);
  assert.match(run.stdout, 'properties');
});

test('properties help lists options', () => {
  const run = miascope(['properties', '--help']);
  assert.is(run.code, 0);
  for (const option of ['--dataset', '--data-path', '--label', '--positive', '--binarize', '--bins', '--json']) {
    assert.match(run.stdout, option);
  }
});

test('adult summary', () => {
  const run = miascope(['properties', '--dataset', 'adult']);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, '45,222 records');
  assert.match(run.stdout, 'class balance       24.78% >50K');
  assert.match(run.stdout, 'Top 5 features by mutual information');
  assert.match(run.stdout, 'relationship');
});

test('adult json fields', () => {
  const run = miascope(['properties', '--json', '--bins', '5']);
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.dataset.name, 'adult');
  assert.is(result.dataset.rows, 45222);
  assert.is(result.dataset.droppedRows, 3620);
  assert.is(result.properties.size, 45222);
  assert.is(result.properties.classBalancePercent.toFixed(2), '24.78');
  assert.is(result.properties.featureCount, 14);
  assert.is(result.properties.bins, 5);
  assert.is(result.properties.topFeatures.length, 5);
  assert.is(result.properties.featureBalance.features.length, 5);
  assert.type(result.properties.featureBalance.percent, 'number');
  assert.type(result.properties.featureBalance.ratio, 'number');
  assert.type(result.properties.entropyBits, 'number');
  assert.is(result.properties.featureEntropy.length, 14);
});

test('texas from data path', () => {
  const run = miascope(['properties', '--dataset', 'texas', '--data-path', texasCsv, '--json']);
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.dataset.rows, 20);
  assert.is(result.properties.classBalancePercent, 25);
  assert.is(result.properties.featureCount, 17);
});

test('texas from data folder', () => {
  const run = miascope(['properties', '--dataset', 'texas', '--json'], { MIASCOPE_DATA_DIR: scratch });
  assert.is(run.code, 0, run.stderr);
  assert.is(JSON.parse(run.stdout).dataset.rows, 20);
});

test('texas missing exits 2', () => {
  const run = miascope(['properties', '--dataset', 'texas'], { MIASCOPE_DATA_DIR: undefined });
  assert.is(run.code, 2);
  assert.match(run.stderr, 'texas dataset file not found');
  assert.is(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.is(run.stdout, '');
});

test('binarize gmm on texas', () => {
  const run = miascope(['properties', '--dataset', 'texas', '--data-path', texasCsv, '--binarize', 'gmm', '--json']);
  assert.is(run.code, 0, run.stderr);
  assert.is(JSON.parse(run.stdout).dataset.labelColumn, 'gmm-cluster');
});

test('invalid binarize exits 2', () => {
  const run = miascope(['properties', '--binarize', 'kmeans']);
  assert.is(run.code, 2);
  assert.match(run.stderr, '--binarize "kmeans" is invalid');
});

test('invalid bins exits 2', () => {
  const run = miascope(['properties', '--bins', '1']);
  assert.is(run.code, 2);
  assert.match(run.stderr, '--bins "1" is invalid');
});

test('unknown option exits 2', () => {
  const run = miascope(['properties', '--bogus']);
  assert.is(run.code, 2);
  assert.match(run.stderr, 'unknown option --bogus');
});

test('audit help lists data options', () => {
  const run = miascope(['audit', '--help']);
  assert.is(run.code, 0);
  assert.match(run.stdout, '--data-path');
  assert.match(run.stdout, '--binarize');
});

test('audit rejects a non-texas file', () => {
  const other = join(scratch, 'other.csv');
  writeFileSync(other, 'repeater,year,class\n0,2012,0\n1,2013,1\n');
  const run = miascope(['audit', '--dataset', 'texas', '--data-path', other, '--quiet']);
  assert.is(run.code, 2);
  assert.match(run.stderr, `${other} is not the texas dataset: expected the 18 columns of Texas.csv`);
  assert.is(run.stdout, '');
});

test('audit missing texas exits 2', () => {
  const run = miascope(['audit', '--dataset', 'texas', '--quiet'], { MIASCOPE_DATA_DIR: undefined });
  assert.is(run.code, 2);
  assert.match(run.stderr, 'texas dataset file not found');
});

test.run();
