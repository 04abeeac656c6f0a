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

/**
 * A small table in the authors' format: numeric columns, CRLF line ends and
 * the label last in `class`, which is 1 on rows 0, 5, 10, … Rows 0–29 lie
 * around (0, 0) and rows 30–39 around (20, 20), so a 2-component mixture
 * separates them.
 */
function fixtureCsv(): string {
  const rng = new Rng('fixture');
  const lines = ['length_of_stay,pat_age,class'];
  for (let i = 0; i < 40; i++) {
    const centre = i < 30 ? 0 : 20;
    lines.push(`${(centre + rng.normal()).toFixed(3)},${(centre + rng.normal()).toFixed(3)},${i % 5 === 0 ? 1 : 0}`);
  }
  return lines.join('\r\n') + '\r\n';
}

const folder = mkdtempSync(join(tmpdir(), 'miascope-external-'));
const emptyFolder = mkdtempSync(join(tmpdir(), 'miascope-external-empty-'));
const csvText = fixtureCsv();
writeFileSync(join(folder, 'Texas.csv'), csvText);
writeFileSync(join(folder, 'Purchase.tar.gz'), gzipSync(ustar({ 'Purchase.csv': csvText })));
const twoMembers = join(emptyFolder, 'two.tar.gz');
writeFileSync(twoMembers, gzipSync(ustar({ 'a.csv': csvText, 'b.csv': csvText })));

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
  assert.equal(texas.features.columns.map((column) => column.name), ['length_of_stay', 'pat_age']);
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
  const fromArchive = loadDataset('texas', { path: join(folder, 'Purchase.tar.gz') });
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
  assert.equal(texas.features.columns.map((column) => column.name), ['length_of_stay', 'pat_age']);
});

test('binarize gmm on a CSV without label', () => {
  const path = join(folder, 'Texas.csv');
  const dataset = loadDataset(path, { binarize: 'gmm' });
  assert.is(dataset.features.columns.length, 3);
  assert.equal(dataset.classCounts, [30, 10]);
});

test('binarize rejects unknown method', () => {
  const error = catchMiascopeError(() => loadDataset('adult', { binarize: 'kmeans' as never }));
  assert.match(error.message, 'invalid binarization "kmeans"');
});

test.run();
