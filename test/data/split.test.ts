import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Rng } from '../../engine/rng.ts';
import { splitRows, splitRowsStratified } from '../../src/data/split.ts';
import { catchMiascopeError } from './helpers.ts';

function sorted(values: Iterable<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

test('split sizes and disjoint parts', () => {
  const parts = splitRows(100, [30, 50, 20], new Rng(1));
  assert.equal(
    parts.map((part) => part.length),
    [30, 50, 20],
  );
  const all = parts.flatMap((part) => Array.from(part));
  assert.is(new Set(all).size, 100, 'no row is in two parts');
  assert.equal(sorted(all), Array.from({ length: 100 }, (_, i) => i));
});

test('split leaves rows over', () => {
  const parts = splitRows(10, [3, 4], new Rng(2));
  const all = parts.flatMap((part) => Array.from(part));
  assert.is(new Set(all).size, 7);
  assert.ok(
    all.every((row) => row >= 0 && row < 10),
    'rows lie in 0 … 9',
  );
});

test('split same seed same parts', () => {
  const first = splitRows(50, [10, 15], new Rng('trial-3'));
  const second = splitRows(50, [10, 15], new Rng('trial-3'));
  assert.equal(first.map((part) => Array.from(part)), second.map((part) => Array.from(part)));
});

test('split other seed other parts', () => {
  const first = splitRows(50, [10, 15], new Rng('trial-3'));
  const second = splitRows(50, [10, 15], new Rng('trial-4'));
  assert.not.equal(first.map((part) => Array.from(part)), second.map((part) => Array.from(part)));
});

test('split over-request error', () => {
  const error = catchMiascopeError(() => splitRows(120, [100, 50], new Rng(1)));
  assert.match(error.message, 'requested 100 + 50 = 150 rows');
  assert.match(error.message, 'only 120 are available');
});

test('split invalid size error', () => {
  const error = catchMiascopeError(() => splitRows(10, [2.5], new Rng(1)));
  assert.match(error.message, 'invalid split size 2.5');
  const negative = catchMiascopeError(() => splitRows(10, [-1], new Rng(1)));
  assert.match(negative.message, 'invalid split size -1');
});

test('split stratified keeps class shares', () => {
  // 30 rows of class 1 and 70 of class 0, interleaved.
  const y = Int32Array.from({ length: 100 }, (_, i) => (i % 10 < 3 ? 1 : 0));
  const parts = splitRowsStratified(y, [50, 20, 30], new Rng(7));
  const positives = parts.map((part) => Array.from(part).filter((row) => y[row] === 1).length);
  assert.equal(positives, [15, 6, 9]);
  const all = parts.flatMap((part) => Array.from(part));
  assert.is(new Set(all).size, 100, 'no row is in two parts');
});

test('split stratified rounds by largest remainder', () => {
  // 2 of 7 rows are class 1: a part of 4 rows has quota 8/7 ≈ 1.14 of class 1.
  const y = Int32Array.from([0, 1, 0, 0, 1, 0, 0]);
  const parts = splitRowsStratified(y, [4, 3], new Rng(3));
  const positives = parts.map((part) => Array.from(part).filter((row) => y[row] === 1).length);
  assert.equal(positives, [1, 1]);
  assert.equal(
    parts.map((part) => part.length),
    [4, 3],
  );
});

test('split stratified over-request error', () => {
  const error = catchMiascopeError(() => splitRowsStratified(new Int32Array(5), [3, 3], new Rng(1)));
  assert.match(error.message, 'requested 3 + 3 = 6 rows, but only 5 are available');
});

test.run();
