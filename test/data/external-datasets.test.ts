import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Rng } from '../../engine/rng.ts';
import { DATA_DIR_VARIABLE, loadDataset } from '../../src/data/datasets.ts';
import { readTarMembers } from '../../src/data/tar.ts';
import { catchMiascopeError } from './helpers.ts';

/** Builds a ustar archive of regular files, as `tar cf` writes one. */
function ustar(files: Record<string, string>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const [name, text] of Object.entries(files)) {
    const content = encoder.encode(text);
    const header = new Uint8Array(512);
    const put = (offset: number, value: string) => header.set(encoder.encode(value), offset);
    put(0, name);
    put(100, '0000777\0');
    put(108, '0000000\0');
    put(116, '0000000\0');
    put(124, content.length.toString(8).padStart(11, '0') + '\0');
    put(136, '13640521173\0');
    put(148, '        ');
    put(156, '0');
    put(257, 'ustar\0');
    put(263, '00');
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    put(148, checksum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header, content, new Uint8Array((512 - (content.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const archive = new Uint8Array(blocks.reduce((sum, block) => sum + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    archive.set(block, offset);
    offset += block.length;
  }
  return archive;
}

/** Headers of the authors' Texas.csv and Purchase.csv, the label `class` last. */
const TEXAS_COLUMNS =
  'sex_code,race,illness_severity,type_of_admission,source_of_admission,pat_state_notused,pat_zip,county,public_health_region,' +
  'admit_weekday,length_of_stay,pat_age,pat_status,ethnicity,princ_surg_proc_code,princ_surg_proc_day,risk_mortality,class';
const PURCHASE_COLUMNS =
  'repeater,year,purchasequantity,id,chain,dept,category,company,brand,productsize,productmeasure,purchaseamount,offer,market,' +
  'repeattrips,offer_year,class';

/**
 * A small table in the authors' format under `header`: numeric columns, CRLF
 * line ends, and the label last in `class`. The label is 1 on rows 0, 5, 10, …
 * Rows 0–29 lie around 0 in every feature and rows 30–39 around 20, so a
 * 2-component mixture separates them.
 */
function fixtureCsv(header: string): string {
  const rng = new Rng('fixture');
  const features = header.split(',').length - 1;
  const lines = [header];
  for (let i = 0; i < 40; i++) {
    const centre = i < 30 ? 0 : 20;
    const values = Array.from({ length: features }, () => (centre + rng.normal()).toFixed(3));
    lines.push(`${values.join(',')},${i % 5 === 0 ? 1 : 0}`);
  }
  return lines.join('\r\n') + '\r\n';
}

const folder = mkdtempSync(join(tmpdir(), 'miascope-external-'));
const emptyFolder = mkdtempSync(join(tmpdir(), 'miascope-external-empty-'));
const texasText = fixtureCsv(TEXAS_COLUMNS);
const purchaseText = fixtureCsv(PURCHASE_COLUMNS);
writeFileSync(join(folder, 'Texas.csv'), texasText);
writeFileSync(join(folder, 'Purchase.tar.gz'), gzipSync(ustar({ 'Purchase.csv': purchaseText })));
const texasArchive = join(emptyFolder, 'texas-archive.tar.gz');
writeFileSync(texasArchive, gzipSync(ustar({ 'Texas.csv': texasText })));
const twoMembers = join(emptyFolder, 'two.tar.gz');
writeFileSync(twoMembers, gzipSync(ustar({ 'a.csv': texasText, 'b.csv': texasText })));
const otherCsv = join(emptyFolder, 'other.csv');
writeFileSync(otherCsv, 'length_of_stay,pat_age,class\r\n3,40,0\r\n9,71,1\r\n');

/** Runs `action` with MIASCOPE_DATA_DIR set to `value` (or unset), then restores it. */
function withDataDir<T>(value: string | undefined, action: () => T): T {
  const saved = process.env[DATA_DIR_VARIABLE];
  if (value === undefined) delete process.env[DATA_DIR_VARIABLE];
  else process.env[DATA_DIR_VARIABLE] = value;
  try {
    return action();
  } finally {
    if (saved === undefined) delete process.env[DATA_DIR_VARIABLE];
    else process.env[DATA_DIR_VARIABLE] = saved;
  }
}

test('texas from a CSV path', () => {
  const texas = loadDataset('texas', { path: join(folder, 'Texas.csv') });
  assert.is(texas.name, 'texas');
  assert.is(texas.features.rows, 40);
  assert.equal(texas.features.columns.map((column) => column.name), TEXAS_COLUMNS.split(',').slice(0, -1));
  assert.is(texas.labelColumn, 'class');
  assert.equal(texas.classCounts, [32, 8]);
});

test('purchase from a tar.gz path', () => {
  const purchase = loadDataset('purchase', { path: join(folder, 'Purchase.tar.gz') });
  assert.is(purchase.features.rows, 40);
  assert.equal(purchase.classCounts, [32, 8]);
  assert.equal(purchase.classNames, ['0', '1']);
});

test('csv dataset read from a tar.gz', () => {
  const dataset = loadDataset(join(folder, 'Purchase.tar.gz'), { label: 'class' });
  assert.is(dataset.features.rows, 40);
  assert.equal(dataset.classCounts, [32, 8]);
});

test('tar.gz and CSV load the same', () => {
  const fromCsv = loadDataset('texas', { path: join(folder, 'Texas.csv') });
  const fromArchive = loadDataset('texas', { path: texasArchive });
  assert.equal(fromArchive.features, fromCsv.features);
  assert.equal(fromArchive.y, fromCsv.y);
});

test('data folder from environment', () => {
  const texas = withDataDir(folder, () => loadDataset('texas'));
  const purchase = withDataDir(folder, () => loadDataset('purchase'));
  assert.is(texas.features.rows, 40);
  assert.is(purchase.features.rows, 40);
});

test('missing file names the fixes', () => {
  const error = withDataDir(undefined, () => catchMiascopeError(() => loadDataset('texas')));
  assert.match(error.message, 'texas dataset file not found');
  assert.match(error.message, '--data-path FILE');
  assert.match(error.message, DATA_DIR_VARIABLE);
  assert.match(error.message, 'no right to redistribute');
});

test('missing file in data folder', () => {
  const error = withDataDir(emptyFolder, () => catchMiascopeError(() => loadDataset('purchase')));
  assert.match(error.message, join(emptyFolder, 'Purchase.csv'));
  assert.match(error.message, join(emptyFolder, 'Purchase.tar.gz'));
});

test('missing path option', () => {
  const error = catchMiascopeError(() => loadDataset('texas', { path: join(emptyFolder, 'Texas.csv') }));
  assert.match(error.message, `${join(emptyFolder, 'Texas.csv')} does not exist`);
});

test('archive with two CSV members', () => {
  const error = catchMiascopeError(() => loadDataset('texas', { path: twoMembers }));
  assert.match(error.message, 'contains 2 CSV files (a.csv, b.csv)');
});

test('purchase file rejected as texas', () => {
  const error = catchMiascopeError(() => loadDataset('texas', { path: join(folder, 'Purchase.tar.gz') }));
  assert.match(error.message, `${join(folder, 'Purchase.tar.gz')} is not the texas dataset`);
  assert.match(error.message, 'its 17 columns are those of Purchase.csv');
  assert.match(error.message, 'not the 18 of Texas.csv');
  assert.match(error.message, 'load it with --dataset purchase');
});

test('texas file rejected as purchase', () => {
  const error = catchMiascopeError(() => loadDataset('purchase', { path: join(folder, 'Texas.csv'), binarize: 'gmm' }));
  assert.match(error.message, 'is not the purchase dataset');
  assert.match(error.message, 'load it with --dataset texas');
});

test('unknown columns rejected as texas', () => {
  const error = catchMiascopeError(() => loadDataset('texas', { path: otherCsv }));
  assert.match(error.message, `${otherCsv} is not the texas dataset: expected the 18 columns of Texas.csv (sex_code, race,`);
  assert.match(error.message, 'found 3; missing: sex_code, race,');
  assert.match(error.message, '(15 in all)');
  assert.not.match(error.message, 'not Texas columns');
  assert.match(error.message, `--dataset ${otherCsv} --label COL`);
});

test('texas columns in another order', () => {
  const columns = TEXAS_COLUMNS.split(',').reverse();
  const row = (label: number) => columns.map((column) => (column === 'class' ? label : 7)).join(',');
  const path = join(emptyFolder, 'reordered.csv');
  writeFileSync(path, [columns.join(','), row(0), row(1)].join('\n') + '\n');
  const texas = loadDataset('texas', { path });
  assert.is(texas.features.rows, 2);
  assert.equal(texas.classCounts, [1, 1]);
});

test('tar checksum mismatch', () => {
  const archive = ustar({ 'x.csv': 'a\n1\n' });
  archive[0] ^= 1;
  const error = catchMiascopeError(() => readTarMembers(archive, 'x.tar'));
  assert.match(error.message, 'checksum mismatch');
});

test('tar truncated archive', () => {
  const archive = ustar({ 'x.csv': 'a\n1\n'.repeat(300) }).subarray(0, 1024);
  const error = catchMiascopeError(() => readTarMembers(archive, 'x.tar'));
  assert.match(error.message, 'truncated tar archive');
});

test('tar reads member content', () => {
  const [member] = readTarMembers(ustar({ 'dir/x.csv': 'a,b\n1,2\n' }), 'x.tar');
  assert.is(member.name, 'dir/x.csv');
  assert.is(new TextDecoder().decode(member.content), 'a,b\n1,2\n');
});

test('path rejected for adult', () => {
  const error = catchMiascopeError(() => loadDataset('adult', { path: join(folder, 'Texas.csv') }));
  assert.match(error.message, 'applies only to --dataset texas or purchase');
});

test('binarize gmm labels clusters', () => {
  const texas = loadDataset('texas', { path: join(folder, 'Texas.csv'), binarize: 'gmm' });
  // The 10 rows around (20, 20) are the minority cluster.
  assert.equal(Array.from(texas.y), [...Array(30).fill(0), ...Array(10).fill(1)]);
  assert.is(texas.labelColumn, 'gmm-cluster');
  assert.equal(texas.features.columns.map((column) => column.name), TEXAS_COLUMNS.split(',').slice(0, -1));
});

test('binarize gmm on a CSV without label', () => {
  const path = join(folder, 'Texas.csv');
  const dataset = loadDataset(path, { binarize: 'gmm' });
  assert.is(dataset.features.columns.length, 18);
  assert.equal(dataset.classCounts, [30, 10]);
});

test('binarize rejects unknown method', () => {
  const error = catchMiascopeError(() => loadDataset('adult', { binarize: 'kmeans' as never }));
  assert.match(error.message, 'invalid binarization "kmeans"');
});

test.run();
