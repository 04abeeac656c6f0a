import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { buildTable, findColumn, parseNumber, type CategoricalColumn, type NumericColumn, type Table } from '../../src/data/table.ts';
import { catchMiascopeError } from './helpers.ts';

function numeric(table: Table, name: string): NumericColumn {
  const column = findColumn(table, name);
  assert.ok(column, `column ${name} exists`);
  assert.is(column!.kind, 'numeric', `column ${name} is numeric`);
  return column as NumericColumn;
}

function categorical(table: Table, name: string): CategoricalColumn {
  const column = findColumn(table, name);
  assert.ok(column, `column ${name} exists`);
  assert.is(column!.kind, 'categorical', `column ${name} is categorical`);
  return column as CategoricalColumn;
}

test('parseNumber accepts decimal numbers only', () => {
  assert.is(parseNumber('42'), 42);
  assert.is(parseNumber('-1.5e3'), -1500);
  assert.is(parseNumber('.25'), 0.25);
  assert.is(parseNumber('0'), 0);
  assert.ok(Number.isNaN(parseNumber('')), 'empty');
  assert.ok(Number.isNaN(parseNumber('0x1F')), 'hexadecimal');
  assert.ok(Number.isNaN(parseNumber('0b101')), 'binary');
  assert.ok(Number.isNaN(parseNumber('Infinity')), 'infinite');
  assert.ok(Number.isNaN(parseNumber('12abc')), 'trailing letters');
});

test('table type inference', () => {
  const { table } = buildTable(
    ['age', 'city', 'code', 'score'],
    [
      ['30', 'Paris', '0x1F', '1e3'],
      ['41', 'Oslo', '12', '?'],
      ['25', '7', '13', '2.5'],
    ],
    { missingPolicy: 'impute' },
  );
  assert.equal(Array.from(numeric(table, 'age').values), [30, 41, 25]);
  assert.equal(categorical(table, 'city').categories, ['7', 'Oslo', 'Paris']);
  assert.equal(categorical(table, 'code').categories, ['0x1F', '12', '13']);
  assert.is(numeric(table, 'score').kind, 'numeric');
});

test('table categories sorted with codes', () => {
  const { table } = buildTable(['colour'], [['red'], ['blue'], ['green'], ['blue'], ['Red']]);
  const colour = categorical(table, 'colour');
  // UTF-16 code unit order puts upper case first.
  assert.equal(colour.categories, ['Red', 'blue', 'green', 'red']);
  assert.equal(Array.from(colour.codes), [3, 1, 2, 1, 0]);
});

test('table type override to categorical', () => {
  const { table } = buildTable(['zip'], [['9'], ['10'], ['9']], { columnTypes: { zip: 'categorical' } });
  const zip = categorical(table, 'zip');
  assert.equal(zip.categories, ['10', '9']);
  assert.equal(Array.from(zip.codes), [1, 0, 1]);
});

test('table type override to numeric rejects text', () => {
  const error = catchMiascopeError(() =>
    buildTable(['n'], [['1'], ['two'], ['3']], { columnTypes: { n: 'numeric' } }),
  );
  assert.match(error.message, 'column n is set to numeric');
  assert.match(error.message, '"two"');
  assert.match(error.message, 'row 2');
});

test('table type override of unknown column', () => {
  const error = catchMiascopeError(() => buildTable(['a', 'b'], [['1', '2']], { columnTypes: { c: 'numeric' } }));
  assert.match(error.message, 'column "c" not found');
  assert.match(error.message, 'columns: a, b');
});

test('table duplicate column names', () => {
  const error = catchMiascopeError(() => buildTable(['x', 'y', 'x'], [['1', '2', '3']]));
  assert.match(error.message, 'duplicate column name "x"');
  assert.match(error.message, 'columns 1 and 3');
});

test('table drop-rows policy', () => {
  const build = buildTable(
    ['age', 'job'],
    [
      ['30', 'clerk'],
      ['?', 'nurse'],
      ['41', ''],
      ['NA', 'cook'],
      ['52', 'NaN'],
      ['25', 'nurse'],
    ],
  );
  assert.is(build.droppedRows, 4);
  assert.is(build.imputedCells, 0);
  assert.is(build.table.rows, 2);
  assert.equal(Array.from(numeric(build.table, 'age').values), [30, 25]);
  // Categories come from the kept rows only: `cook` is gone with its row.
  assert.equal(categorical(build.table, 'job').categories, ['clerk', 'nurse']);
});

test('table error policy', () => {
  const error = catchMiascopeError(() =>
    buildTable(
      ['age', 'job'],
      [
        ['30', 'clerk'],
        ['41', '?'],
        ['?', 'cook'],
      ],
      { missingPolicy: 'error', describeRow: (i) => `people.csv line ${i + 2}` },
    ),
  );
  assert.match(error.message, 'missing value "?" in column job at people.csv line 3');
  assert.match(error.message, '--missing drop-rows');
  assert.match(error.message, '--missing impute');
});

test('table error policy without missing cells', () => {
  const build = buildTable(['a'], [['1'], ['2']], { missingPolicy: 'error' });
  assert.is(build.table.rows, 2);
});

test('table impute policy', () => {
  const build = buildTable(
    ['age', 'job', 'hours'],
    [
      ['30', 'nurse', '40'],
      ['?', 'clerk', '?'],
      ['50', '?', '20'],
      ['10', 'clerk', '35'],
      ['20', 'nurse', '10'],
    ],
    { missingPolicy: 'impute' },
  );
  assert.is(build.droppedRows, 0);
  assert.is(build.imputedCells, 3);
  // Median of 30, 50, 10, 20 is (20 + 30) / 2; of 40, 20, 35, 10 it is (20 + 35) / 2.
  assert.equal(Array.from(numeric(build.table, 'age').values), [30, 25, 50, 10, 20]);
  assert.equal(Array.from(numeric(build.table, 'hours').values), [40, 27.5, 20, 35, 10]);
  // clerk and nurse tie at 2; the first in sorted order wins.
  const job = categorical(build.table, 'job');
  assert.equal(job.categories, ['clerk', 'nurse']);
  assert.equal(Array.from(job.codes), [1, 0, 0, 0, 1]);
});

test('table impute odd count median', () => {
  const build = buildTable(['x'], [['5'], ['?'], ['1'], ['9']], { missingPolicy: 'impute' });
  assert.equal(Array.from(numeric(build.table, 'x').values), [5, 5, 1, 9]);
});

test('table impute most frequent category', () => {
  const build = buildTable(['c'], [['b'], ['a'], ['b'], ['?']], { missingPolicy: 'impute' });
  assert.equal(Array.from(categorical(build.table, 'c').codes), [1, 0, 1, 1]);
});

test('table impute drops rows missing a required column', () => {
  const build = buildTable(
    ['x', 'label'],
    [
      ['1', 'yes'],
      ['?', 'no'],
      ['3', '?'],
    ],
    { missingPolicy: 'impute', requiredColumns: ['label'] },
  );
  assert.is(build.droppedRows, 1);
  assert.is(build.imputedCells, 1);
  assert.equal(Array.from(numeric(build.table, 'x').values), [1, 1]);
});

test('table impute with nothing to impute from', () => {
  const error = catchMiascopeError(() => buildTable(['x', 'y'], [['?', '1'], ['?', '2']], { missingPolicy: 'impute' }));
  assert.match(error.message, 'column x has no values to impute from');
});

test('table every row dropped', () => {
  const error = catchMiascopeError(() => buildTable(['x', 'y'], [['?', '1'], ['', '2']]));
  assert.match(error.message, 'every row has a missing cell');
  assert.match(error.message, 'column x is missing in 2 of 2 rows');
});

test('table configurable missing values', () => {
  const build = buildTable(
    ['x', 'c'],
    [
      ['-999', 'a'],
      ['4', '?'],
      ['NA', 'b'],
    ],
    { missingValues: ['-999'] },
  );
  assert.is(build.droppedRows, 1);
  // With `?` and `NA` no longer missing, x contains the text NA and is categorical.
  assert.equal(categorical(build.table, 'x').categories, ['4', 'NA']);
  assert.equal(categorical(build.table, 'c').categories, ['?', 'b']);
});

test('table numeric missing value token', () => {
  const build = buildTable(['x'], [['-999'], ['4'], ['6']], { missingValues: ['-999'], missingPolicy: 'impute' });
  assert.equal(Array.from(numeric(build.table, 'x').values), [5, 4, 6]);
});

test('table invalid missing policy', () => {
  const error = catchMiascopeError(() => buildTable(['x'], [['1']], { missingPolicy: 'skip' as never }));
  assert.match(error.message, 'invalid missing-value policy "skip"');
});

test.run();
