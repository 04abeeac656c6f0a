import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { encoderFromState, fitEncoder } from '../../src/data/encode.ts';
import { buildTable, type Table } from '../../src/data/table.ts';
import type { Matrix } from '../../engine/matrix.ts';
import { catchMiascopeError } from './helpers.ts';

/** age: 20, 30, 40, 50; colour: red, blue, green, blue (categories blue, green, red). */
function tinyTable(): Table {
  return buildTable(
    ['age', 'colour'],
    [
      ['20', 'red'],
      ['30', 'blue'],
      ['40', 'green'],
      ['50', 'blue'],
    ],
  ).table;
}

function rowsOf(matrix: Matrix): number[][] {
  return Array.from({ length: matrix.rows }, (_, i) => Array.from(matrix.row(i)));
}

const ALL_ROWS = [0, 1, 2, 3];

test('encode ordinal categories', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS, { numeric: 'none' });
  assert.equal(encoder.featureNames, ['age', 'colour']);
  assert.equal(rowsOf(encoder.transform(tinyTable())), [
    [20, 2],
    [30, 0],
    [40, 1],
    [50, 0],
  ]);
});

test('encode one-hot categories', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS, { categorical: 'one-hot', numeric: 'none' });
  assert.equal(encoder.featureNames, ['age', 'colour=blue', 'colour=green', 'colour=red']);
  assert.equal(rowsOf(encoder.transform(tinyTable())), [
    [20, 0, 0, 1],
    [30, 1, 0, 0],
    [40, 0, 1, 0],
    [50, 1, 0, 0],
  ]);
});

test('encode selected rows in order', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS, { categorical: 'one-hot', numeric: 'none' });
  assert.equal(rowsOf(encoder.transform(tinyTable(), [3, 0])), [
    [50, 1, 0, 0],
    [20, 0, 0, 1],
  ]);
});

test('encode z-score from training rows', () => {
  // Training rows 0 and 1 hold ages 20 and 30: mean 25, population std 5.
  // Their colour codes are 2 (red) and 0 (blue): mean 1, population std 1.
  const encoder = fitEncoder(tinyTable(), [0, 1]);
  assert.equal(encoder.state.columns[0], { name: 'age', kind: 'numeric', mean: 25, std: 5 });
  assert.equal(encoder.state.columns[1], {
    name: 'colour',
    kind: 'categorical',
    encoding: 'ordinal',
    categories: ['blue', 'green', 'red'],
    mean: 1,
    std: 1,
  });
  assert.equal(rowsOf(encoder.transform(tinyTable())), [
    [-1, 1],
    [1, -1],
    [3, 0],
    [5, -1],
  ]);
});

test('encode ignores non-training rows', () => {
  const table = tinyTable();
  const trainRows = [0, 2, 3];
  const before = fitEncoder(table, trainRows).toJSON();
  const age = table.columns[0];
  assert.is(age.kind, 'numeric');
  if (age.kind === 'numeric') age.values[1] = 1e6;
  const after = fitEncoder(table, trainRows).toJSON();
  assert.equal(after, before);
});

test('encode training rows get mean 0 and std 1', () => {
  const table = buildTable(['x'], [['3'], ['7'], ['8'], ['100'], ['-4']]).table;
  const trainRows = [0, 1, 2, 4];
  const encoded = fitEncoder(table, trainRows).transform(table, trainRows).data;
  const mean = encoded.reduce((sum, value) => sum + value, 0) / encoded.length;
  const variance = encoded.reduce((sum, value) => sum + (value - mean) ** 2, 0) / encoded.length;
  assert.ok(Math.abs(mean) < 1e-6, `mean ${mean} is 0`);
  assert.ok(Math.abs(Math.sqrt(variance) - 1) < 1e-6, `std ${Math.sqrt(variance)} is 1`);
});

test('encode constant column', () => {
  const table = buildTable(['x'], [['4'], ['4'], ['9']]).table;
  const encoder = fitEncoder(table, [0, 1]);
  assert.is((encoder.state.columns[0] as { std: number }).std, 1);
  assert.equal(Array.from(encoder.transform(table).data), [0, 0, 5]);
});

test('encode state survives JSON', () => {
  const encoder = fitEncoder(tinyTable(), [1, 2], { categorical: 'one-hot' });
  const restored = encoderFromState(JSON.parse(JSON.stringify(encoder)));
  assert.equal(restored.featureNames, encoder.featureNames);
  assert.equal(Array.from(restored.transform(tinyTable()).data), Array.from(encoder.transform(tinyTable()).data));
});

test('encode maps categories by name', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS, { numeric: 'none' });
  // This table codes its categories as blue 0, red 1; the encoder's codes are blue 0, green 1, red 2.
  const other = buildTable(['age', 'colour'], [['1', 'red'], ['2', 'blue']]).table;
  assert.equal(rowsOf(encoder.transform(other)), [
    [1, 2],
    [2, 0],
  ]);
});

test('encode unknown category error', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS);
  const other = buildTable(['age', 'colour'], [['1', 'purple']]).table;
  const error = catchMiascopeError(() => encoder.transform(other));
  assert.match(error.message, 'column colour has the category "purple"');
  assert.match(error.message, 'known: blue, green, red');
});

test('encode table with other columns', () => {
  const encoder = fitEncoder(tinyTable(), ALL_ROWS);
  const other = buildTable(['age', 'shape'], [['1', 'round']]).table;
  const error = catchMiascopeError(() => encoder.transform(other));
  assert.match(error.message, 'the encoder was fit on columns age (numeric), colour (categorical)');
  assert.match(error.message, 'the table has age (numeric), shape (categorical)');
});

test('encode invalid options', () => {
  const categorical = catchMiascopeError(() => fitEncoder(tinyTable(), ALL_ROWS, { categorical: 'onehot' as never }));
  assert.match(categorical.message, 'invalid categorical encoding "onehot" (use one of: ordinal, one-hot)');
  const numeric = catchMiascopeError(() => fitEncoder(tinyTable(), ALL_ROWS, { numeric: 'minmax' as never }));
  assert.match(numeric.message, 'invalid numeric encoding "minmax" (use one of: z-score, min-max, none)');
});

test('encode needs training rows', () => {
  const error = catchMiascopeError(() => fitEncoder(tinyTable(), []));
  assert.match(error.message, '0 training rows');
});

test.run();
