import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { splitLabel } from '../../src/data/label.ts';
import { buildTable, type Table } from '../../src/data/table.ts';
import { catchMiascopeError } from './helpers.ts';

/** Builds a table with a numeric feature `x` and a label column `income` containing `labels`. */
function incomeTable(labels: string[]): Table {
  return buildTable(
    ['x', 'income'],
    labels.map((label, i) => [String(i), label]),
  ).table;
}

test('label positive value with trailing full stop', () => {
  const split = splitLabel(incomeTable(['<=50K', '>50K', '>50K.', '<=50K.', '<=50K']), 'income', { positive: '>50K' });
  assert.equal(Array.from(split.y), [0, 1, 1, 0, 0]);
  assert.equal(split.classNames, ['<=50K', '>50K']);
  assert.equal(split.classCounts, [3, 2]);
});

test('label positive given with full stop', () => {
  const split = splitLabel(incomeTable(['<=50K', '>50K', '>50K.', '<=50K.', '<=50K']), 'income', { positive: '>50K.' });
  assert.equal(Array.from(split.y), [0, 1, 1, 0, 0]);
  assert.equal(split.classNames, ['<=50K', '>50K']);
});

test('label removes label column from features', () => {
  const split = splitLabel(incomeTable(['a', 'b']), 'income');
  assert.equal(
    split.features.columns.map((column) => column.name),
    ['x'],
  );
  assert.is(split.features.rows, 2);
  assert.is(split.labelColumn, 'income');
});

test('label two values default positive', () => {
  const split = splitLabel(incomeTable(['yes', 'no', 'no', 'yes', 'no']), 'income');
  // Sorted: no, yes; the second is positive.
  assert.equal(Array.from(split.y), [1, 0, 0, 1, 0]);
  assert.equal(split.classNames, ['no', 'yes']);
  assert.equal(split.classCounts, [3, 2]);
});

test('label numeric two values', () => {
  const { table } = buildTable(['y'], [['10'], ['2'], ['10']]);
  const split = splitLabel(table, 'y');
  // Numeric order puts 2 before 10, unlike string order.
  assert.equal(Array.from(split.y), [1, 0, 1]);
  assert.equal(split.classNames, ['2', '10']);
});

test('label numeric positive value', () => {
  const { table } = buildTable(['y'], [['0'], ['1'], ['2'], ['1']]);
  const split = splitLabel(table, 'y', { positive: '1' });
  assert.equal(Array.from(split.y), [0, 1, 0, 1]);
  assert.equal(split.classNames, ['not 1', '1']);
  assert.equal(split.classCounts, [2, 2]);
});

test('label more than two values needs positive', () => {
  const error = catchMiascopeError(() => splitLabel(incomeTable(['a', 'b', 'c', 'b']), 'income'));
  assert.match(error.message, 'label column income has 3 values');
  assert.match(error.message, 'a (1), b (2), c (1)');
  assert.match(error.message, '--positive VALUE');
});

test('label lists at most ten values', () => {
  const labels = Array.from({ length: 12 }, (_, i) => `v${String(i).padStart(2, '0')}`);
  const error = catchMiascopeError(() => splitLabel(incomeTable(labels), 'income'));
  assert.match(error.message, 'v09 (1), and 2 more');
  assert.not.match(error.message, 'v10');
});

test('label more than two values with positive', () => {
  const split = splitLabel(incomeTable(['a', 'b', 'c', 'b']), 'income', { positive: 'b' });
  assert.equal(Array.from(split.y), [0, 1, 0, 1]);
  assert.equal(split.classNames, ['not b', 'b']);
});

test('label single class error', () => {
  const error = catchMiascopeError(() => splitLabel(incomeTable(['<=50K', '<=50K']), 'income', { positive: '>50K' }));
  assert.match(error.message, 'label column income has a single class: <=50K (2)');
  assert.match(error.message, '--label COL');
});

test('label positive value not present', () => {
  const error = catchMiascopeError(() => splitLabel(incomeTable(['a', 'b', 'a']), 'income', { positive: 'c' }));
  assert.match(error.message, 'positive value "c" not found in label column income');
  assert.match(error.message, 'a (2), b (1)');
  assert.match(error.message, '--positive');
});

test('label every record positive', () => {
  const error = catchMiascopeError(() => splitLabel(incomeTable(['>50K', '>50K.']), 'income', { positive: '>50K' }));
  assert.match(error.message, 'every record of label column income matches the positive value ">50K"');
  assert.match(error.message, '>50K (1), >50K. (1)');
});

test('label column not found', () => {
  const error = catchMiascopeError(() => splitLabel(incomeTable(['a', 'b']), 'class'));
  assert.match(error.message, 'label column "class" not found');
  assert.match(error.message, 'columns: x, income');
  assert.match(error.message, '--label COL');
});

test.run();
