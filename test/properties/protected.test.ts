import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTable } from '../../src/data/table.ts';
import { defaultProtectedAttribute, resolveProtectedAttribute } from '../../src/properties/protected.ts';
import { catchMiascopeError } from '../data/helpers.ts';

const table = buildTable(
  ['age', 'sex', 'race', 'flag'],
  [
    ['25', 'Female', 'Black', '0'],
    ['40', 'Male', 'White', '1'],
    ['61', 'Male', 'Other', '1'],
    ['33', 'Female', 'White', '0'],
  ],
).table;

test('two-valued column needs no value', () => {
  const groups = resolveProtectedAttribute(table, 'sex');
  assert.equal(Array.from(groups.membership), [0, 1, 1, 0]);
  assert.is(groups.g1, 'sex = Male');
  assert.is(groups.g0, 'sex = Female');
});

test('categorical value names g1', () => {
  const groups = resolveProtectedAttribute(table, 'race=White');
  assert.equal(Array.from(groups.membership), [0, 1, 0, 1]);
  assert.is(groups.g0, 'race ≠ White');
});

test('numeric threshold splits above it', () => {
  const groups = resolveProtectedAttribute(table, 'age=40');
  assert.equal(Array.from(groups.membership), [0, 0, 1, 0]);
  assert.is(groups.g1, 'age > 40');
});

test('two-valued numeric column needs no value', () => {
  assert.equal(Array.from(resolveProtectedAttribute(table, 'flag').membership), [0, 1, 1, 0]);
});

test('unknown column lists columns', () => {
  const error = catchMiascopeError(() => resolveProtectedAttribute(table, 'gender'));
  assert.match(error.message, '"gender" not found');
  assert.match(error.message, 'age, sex, race, flag');
});

test('unknown value lists values', () => {
  const error = catchMiascopeError(() => resolveProtectedAttribute(table, 'sex=F'));
  assert.match(error.message, 'Female, Male');
});

test('many-valued column needs a value', () => {
  const error = catchMiascopeError(() => resolveProtectedAttribute(table, 'race'));
  assert.match(error.message, 'race=VALUE');
  assert.match(error.message, 'Black, Other, White');
});

test('numeric column needs a threshold', () => {
  assert.match(catchMiascopeError(() => resolveProtectedAttribute(table, 'age')).message, 'age=T');
  assert.match(catchMiascopeError(() => resolveProtectedAttribute(table, 'age=old')).message, 'threshold');
});

test('empty group is rejected', () => {
  assert.match(catchMiascopeError(() => resolveProtectedAttribute(table, 'age=90')).message, 'one group');
});

test('default protected attribute', () => {
  assert.is(defaultProtectedAttribute('adult', table), 'sex');
  assert.is(defaultProtectedAttribute('data.csv', table), 'sex');
});

test.run();
