import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseCsv } from '../../src/data/csv.ts';
import { catchMiascopeError } from './helpers.ts';

test('csv quoted fields', () => {
  const csv = parseCsv('name,note\n"Smith, J","said ""hi"""\n"two\nlines",plain\n');
  assert.equal(csv.columns, ['name', 'note']);
  assert.equal(csv.rows[0], ['Smith, J', 'said "hi"']);
  assert.equal(csv.rows[1], ['two\nlines', 'plain']);
});

test('csv CRLF line endings', () => {
  const csv = parseCsv('a,b\r\n1,2\r\n3,4\r\n');
  assert.equal(csv.rows, [
    ['1', '2'],
    ['3', '4'],
  ]);
});

test('csv UTF-8 byte order mark', () => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('age,city\n30,Zürich\n', 'utf8')]);
  const csv = parseCsv(bytes);
  assert.equal(csv.columns, ['age', 'city']);
  assert.equal(csv.rows[0], ['30', 'Zürich']);
});

test('csv trims spaces around fields', () => {
  const csv = parseCsv('age, workclass\n39, State-gov\n " 50 " ,  x  \n');
  assert.equal(csv.columns, ['age', 'workclass']);
  assert.equal(csv.rows[0], ['39', 'State-gov']);
  // Spaces inside quotes are part of the value.
  assert.equal(csv.rows[1], [' 50 ', 'x']);
});

test('csv skips empty lines', () => {
  const csv = parseCsv('a,b\n\n1,2\n   \n3,4\n\n\n');
  assert.is(csv.rows.length, 2);
  assert.equal(csv.rows[1], ['3', '4']);
});

test('csv delimiter option', () => {
  const csv = parseCsv('a;b\n1,5;2\n', { delimiter: ';' });
  assert.equal(csv.rows[0], ['1,5', '2']);
});

test('csv without header uses given columns', () => {
  const csv = parseCsv('|comment line\n1, x\n2, y\n', { header: false, columns: ['n', 's'], skipLines: 1 });
  assert.equal(csv.columns, ['n', 's']);
  assert.equal(csv.rows, [
    ['1', 'x'],
    ['2', 'y'],
  ]);
});

test('csv line numbers of records', () => {
  const csv = parseCsv('a,b\n\n1,2\n"x\ny",3\n4,5\n');
  assert.is(csv.lineOf(0), 3);
  assert.is(csv.lineOf(1), 5);
  assert.is(csv.lineOf(2), 6);
});

test('csv malformed row error', () => {
  const error = catchMiascopeError(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { source: 'people.csv' }));
  assert.match(error.message, 'people.csv');
  assert.match(error.message, 'line 3');
  assert.match(error.message, 'expected 3 fields');
  assert.match(error.message, 'found 2');
});

test('csv too many fields error', () => {
  const error = catchMiascopeError(() => parseCsv('a,b\n1,2\n\n3,4,5\n', { source: 'wide.csv' }));
  assert.match(error.message, 'wide.csv line 4: expected 2 fields, found 3');
});

test('csv given columns must match records', () => {
  const error = catchMiascopeError(() => parseCsv('1,2,3\n', { header: false, columns: ['a', 'b'], source: 'x.csv' }));
  assert.match(error.message, 'x.csv line 1: expected 2 fields, found 3');
});

test('csv unclosed quote error', () => {
  const error = catchMiascopeError(() => parseCsv('a,b\n"open,1\n', { source: 'q.csv' }));
  assert.match(error.message, 'q.csv: invalid CSV');
  assert.match(error.message, 'a quoted field is never closed');
});

test('csv empty file error', () => {
  const error = catchMiascopeError(() => parseCsv('', { source: 'empty.csv' }));
  assert.match(error.message, 'empty.csv is empty');
  const blank = catchMiascopeError(() => parseCsv('\n\r\n  \n', { source: 'blank.csv' }));
  assert.match(blank.message, 'blank.csv is empty');
});

test('csv header only error', () => {
  const error = catchMiascopeError(() => parseCsv('a,b,c\n\n', { source: 'head.csv' }));
  assert.match(error.message, 'head.csv has a header row but no data rows');
});

test('csv empty column name error', () => {
  const error = catchMiascopeError(() => parseCsv('a,,c\n1,2,3\n', { source: 'names.csv' }));
  assert.match(error.message, 'column 2 of 3 has an empty name');
});

test.run();
