import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Rng } from '../../engine/rng.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { sampleClassBalance, sampleEntropy, sampleFeatureBalance, sampleFeatureCount } from '../../src/data/samplers.ts';
import { dataProperties } from '../../src/properties/data.ts';
import { discretize } from '../../src/properties/discretize.ts';
import { catchMiascopeError } from './helpers.ts';

const adult = loadDataset('adult');
const discrete = discretize(adult.features);

function assertDistinct(rows: Int32Array, message: string): void {
  assert.is(new Set(rows).size, rows.length, `${message}: rows drawn without replacement`);
}

for (const percent of [10, 30, 50]) {
  test(`class balance ${percent}% on adult`, () => {
    const sample = sampleClassBalance(adult, { size: 5000, classBalancePercent: percent }, new Rng(percent));
    assert.is(sample.rows.length, 5000);
    assertDistinct(sample.rows, 'class balance');
    assert.ok(Math.abs(sample.classBalancePercent - percent) <= 1, `achieved ${sample.classBalancePercent}%`);
    // The achieved value is measured on the rows returned.
    assert.is(sample.classBalancePercent, dataProperties(adult, { rows: sample.rows, discrete }).classBalancePercent);
  });
}

test('class balance from a pool', () => {
  const pool = Int32Array.from({ length: 10000 }, (_, i) => i * 2);
  const sample = sampleClassBalance(adult, { size: 1000, classBalancePercent: 20 }, new Rng(1), { pool });
  assert.ok(sample.rows.every((row) => row % 2 === 0), 'every row from the pool');
});

test('class balance same seed same rows', () => {
  const first = sampleClassBalance(adult, { size: 500, classBalancePercent: 40 }, new Rng('s'));
  const second = sampleClassBalance(adult, { size: 500, classBalancePercent: 40 }, new Rng('s'));
  assert.equal(first.rows, second.rows);
});

test('class balance impossible request', () => {
  // Adult has 11,208 positives; 60% of 20,000 is 12,000.
  const error = catchMiascopeError(() => sampleClassBalance(adult, { size: 20000, classBalancePercent: 60 }, new Rng(1)));
  assert.match(error.message, '12,000 positives requested');
  assert.match(error.message, 'the pool contains 11,208');
  assert.match(error.message, 'lower the size or the class balance');
});

test('sample larger than pool', () => {
  const error = catchMiascopeError(() => sampleClassBalance(adult, { size: 50000, classBalancePercent: 20 }, new Rng(1)));
  assert.match(error.message, '50,000 records requested but the pool contains 45,222');
});

for (const percent of [0.5, 2, 5]) {
  test(`feature balance ${percent}% on adult`, () => {
    const sample = sampleFeatureBalance(adult, { size: 5000, featureBalancePercent: percent }, new Rng(percent));
    assertDistinct(sample.rows, 'feature balance');
    assert.ok(Math.abs(sample.featureBalancePercent - percent) <= 1, `achieved ${sample.featureBalancePercent}%`);
    assert.is(sample.combination.features.length, 5);
  });
}

test('feature balance impossible request', () => {
  // c* of Adult's top-5 features is carried by 275 records.
  const error = catchMiascopeError(() => sampleFeatureBalance(adult, { size: 5000, featureBalancePercent: 30 }, new Rng(1)));
  assert.match(error.message, '1,500 records with the most frequent combination c* requested');
  assert.match(error.message, 'the pool contains 275');
});

test('feature count picks columns', () => {
  const sample = sampleFeatureCount(adult, { size: 1000, featureCount: 5 }, new Rng(2));
  assert.is(sample.featureCount, 5);
  assert.is(new Set(sample.columns).size, 5);
  assert.equal(sample.features.columns.map((column) => column.name), sample.columns);
  assert.is(sample.rows.length, 1000);
  assertDistinct(sample.rows, 'feature count');
});

test('feature count keeps table order', () => {
  const order = adult.features.columns.map((column) => column.name);
  const { columns } = sampleFeatureCount(adult, { size: 10, featureCount: 7 }, new Rng(3));
  const positions = columns.map((name) => order.indexOf(name));
  assert.equal(positions, [...positions].sort((a, b) => a - b));
});

test('feature count too many', () => {
  const error = catchMiascopeError(() => sampleFeatureCount(adult, { size: 10, featureCount: 15 }, new Rng(1)));
  assert.match(error.message, '15 features requested but the table has 14');
});

for (const bits of [0.9, 1.3, 1.7]) {
  test(`entropy ${bits} bits on adult`, () => {
    const sample = sampleEntropy(adult, { size: 2000, entropyBits: bits }, new Rng(bits));
    assertDistinct(sample.rows, 'entropy');
    assert.ok(Math.abs(sample.entropyBits - bits) <= 0.02 * bits, `achieved ${sample.entropyBits} bits`);
    assert.is(sample.entropyBits, dataProperties(adult, { rows: sample.rows, discrete }).entropyBits);
  });
}

test('entropy out of reach', () => {
  const error = catchMiascopeError(() => sampleEntropy(adult, { size: 2000, entropyBits: 3 }, new Rng(1)));
  assert.match(error.message, 'entropy 3 bits requested for 2,000 records');
  assert.match(error.message, 'request a value in that range');
});

test.run();
