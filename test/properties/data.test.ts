import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ADULT_COLUMNS, loadDataset } from '../../src/data/datasets.ts';
import { buildTable } from '../../src/data/table.ts';
import { packagePath } from '../../src/paths.ts';
import { dataProperties, paperFeatureBalanceGroup, topFeaturesByMutualInformation } from '../../src/properties/data.ts';
import { discretize } from '../../src/properties/discretize.ts';
import { writeFixture } from '../data/helpers.ts';

const close = (actual: number, expected: number, message: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message}: ${actual} ≠ ${expected}`);

// Four records: a is x, x, x, y; b is p, p, q, q; only the first is positive.
const tiny = {
  features: buildTable(['a', 'b'], [['x', 'p'], ['x', 'p'], ['x', 'q'], ['y', 'q']]).table,
  y: Int32Array.of(1, 0, 0, 0),
};
const tinyProperties = dataProperties(tiny, { k: 2 });

test('size counts records', () => {
  assert.is(tinyProperties.size, 4);
});

test('class balance is percent positive', () => {
  close(tinyProperties.classBalancePercent, 25, 'class balance');
});

test('feature balance percent of c*', () => {
  // (x, p) occurs twice, (x, q) and (y, q) once each.
  close(tinyProperties.featureBalance.percent, 50, 'percent');
});

test('feature balance ratio form', () => {
  close(tinyProperties.featureBalance.ratio, 1, 'P[c*] / P[not c*]');
});

test('feature balance names c*', () => {
  const { features, values } = tinyProperties.featureBalance;
  const valueOf = Object.fromEntries(features.map((name, t) => [name, values[t]]));
  assert.equal(valueOf, { a: 'x', b: 'p' });
});

test('feature balance ratio all carry', () => {
  const same = { features: buildTable(['a'], [['x'], ['x']]).table, y: Int32Array.of(0, 1) };
  assert.is(dataProperties(same).featureBalance.ratio, Infinity);
});

test('entropy per feature', () => {
  const [a, b] = tinyProperties.featureEntropy;
  // H(3/4, 1/4) = 2 − (3/4) log2 3.
  close(a.bits, 2 - 0.75 * Math.log2(3), 'H[a]');
  close(b.bits, 1, 'H[b]');
});

test('dataset entropy is mean', () => {
  close(tinyProperties.entropyBits, (2 - 0.75 * Math.log2(3) + 1) / 2, 'H_D');
});

test('feature count and bins recorded', () => {
  assert.is(tinyProperties.featureCount, 2);
  assert.is(tinyProperties.bins, 10);
});

test('properties of a row subset', () => {
  const subset = dataProperties(tiny, { rows: [0, 1] });
  close(subset.classBalancePercent, 50, 'class balance of rows 0, 1');
  close(subset.entropyBits, 0, 'H_D of two equal records');
});

test('top features rank by mutual information', () => {
  // copy is y itself (I = H(y) = 1 bit); noise is independent of y (I = 0).
  const features = buildTable(['noise', 'copy'], [['u', '0'], ['v', '1'], ['u', '1'], ['v', '0']]).table;
  const top = topFeaturesByMutualInformation(discretize(features), Int32Array.of(0, 1, 1, 0), 2);
  assert.equal(top.map((feature) => feature.name), ['copy', 'noise']);
  close(top[0].bits, 1, 'I(copy; y)');
  close(top[1].bits, 0, 'I(noise; y)');
});

test('mostly-zero numeric column keeps two bins', () => {
  // 18 zeros and 2 positive values, like Adult's capital-gain.
  const values = [...Array(18).fill('0'), '500', '900'].map((v) => [v]);
  const features = buildTable(['gain'], values).table;
  const [gain] = dataProperties({ features, y: new Int32Array(20) }).featureEntropy;
  close(gain.bits, -(0.9 * Math.log2(0.9) + 0.1 * Math.log2(0.1)), 'H[gain]');
});

test('adult class balance', () => {
  const adult = loadDataset('adult');
  const properties = dataProperties(adult);
  assert.is(properties.size, 45222);
  assert.is(properties.classBalancePercent.toFixed(2), '24.78');
  assert.is(properties.topFeatures.length, 5);
  assert.is(properties.featureCount, 14);
});

test('adult.data alone class balance', () => {
  const text = gunzipSync(readFileSync(packagePath('data', 'adult', 'adult.data.gz'))).toString('utf8');
  const path = writeFixture('adult-data-only.csv', `${ADULT_COLUMNS.join(',')}\n${text}`);
  const properties = dataProperties(loadDataset(path, { label: 'income', positive: '>50K' }));
  assert.is(properties.size, 30162);
  assert.is(properties.classBalancePercent.toFixed(2), '24.89');
});

test('paper feature-balance group by hand', () => {
  // Columns a…e scale to [0, 1] over the three rows; f is ignored (sixth column).
  // Row 0: a 0, b 0, c 0 (code of x), d 0, e 0.5 → in the group.
  // Row 1: a 1 → out.  Row 2: e 1 → out.
  const table = buildTable(
    ['a', 'b', 'c', 'd', 'e', 'f'],
    [
      ['0', '10', 'x', '5', '1', '100'],
      ['2', '10', 'x', '5', '0', '0'],
      ['1', '20', 'y', '6', '2', '0'],
    ],
  ).table;
  assert.equal(Array.from(paperFeatureBalanceGroup(table)), [1, 0, 0]);
});

test.run();
