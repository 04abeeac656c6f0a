import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTable } from '../../src/data/table.ts';
import { discretize } from '../../src/properties/discretize.ts';
import { entropyBits, mutualInformationBits } from '../../src/properties/information.ts';

const close = (actual: number, expected: number, message: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message}: ${actual} ≠ ${expected}`);

test('entropy of a fair coin is 1 bit', () => {
  close(entropyBits(Int32Array.of(0, 1, 0, 1), 2), 1, 'H');
});

test('entropy of a constant is 0', () => {
  close(entropyBits(Int32Array.of(2, 2, 2), 3), 0, 'H');
});

test('entropy of 1/2, 1/4, 1/4 is 1.5 bits', () => {
  close(entropyBits(Int32Array.of(0, 0, 1, 2), 3), 1.5, 'H');
});

test('mutual information of a copy is its entropy', () => {
  const a = Int32Array.of(0, 0, 1, 2);
  close(mutualInformationBits(a, 3, a, 3), 1.5, 'I(A; A)');
});

test('mutual information of independent codes is 0', () => {
  // Every (a, b) pair occurs once: P(a, b) = P(a) P(b).
  close(mutualInformationBits(Int32Array.of(0, 0, 1, 1), 2, Int32Array.of(0, 1, 0, 1), 2), 0, 'I');
});

test('mutual information by hand', () => {
  // Pairs (0,0), (0,0), (1,1), (1,0): P(0,0)=1/2, P(1,1)=1/4, P(1,0)=1/4, P(a=0)=P(a=1)=1/2, P(b=0)=3/4.
  // I = 1/2·log2((1/2)/(1/2·3/4)) + 1/4·log2((1/4)/(1/2·1/4)) + 1/4·log2((1/4)/(1/2·3/4)).
  const expected = 0.5 * Math.log2(4 / 3) + 0.25 * Math.log2(2) + 0.25 * Math.log2(2 / 3);
  close(mutualInformationBits(Int32Array.of(0, 0, 1, 1), 2, Int32Array.of(0, 0, 1, 0), 2), expected, 'I');
});

test('mutual information over selected rows', () => {
  close(mutualInformationBits(Int32Array.of(0, 1, 0, 1), 2, Int32Array.of(0, 1, 1, 0), 2, [0, 1]), 1, 'I on rows 0, 1');
});

test('discretize makes equal-frequency bins', () => {
  const values = Array.from({ length: 100 }, (_, i) => [String(i)]);
  const column = discretize(buildTable(['x'], values).table).columns[0];
  assert.is(column.levels, 10);
  const counts = new Array(10).fill(0);
  column.codes.forEach((code) => counts[code]++);
  assert.equal(counts, new Array(10).fill(10));
});

test('discretize keeps ties together', () => {
  // Half the values are 0: every 0 must land in the same bin.
  const values = [...Array(50).fill('0'), ...Array.from({ length: 50 }, (_, i) => String(i + 1))].map((v) => [v]);
  const column = discretize(buildTable(['x'], values).table).columns[0];
  const zeroCodes = new Set(Array.from(column.codes.subarray(0, 50)));
  assert.is(zeroCodes.size, 1);
  assert.ok(column.levels < 10, `ties merge bins: ${column.levels} levels`);
});

test('discretize keeps categorical codes', () => {
  const column = discretize(buildTable(['c'], [['b'], ['a'], ['b']]).table).columns[0];
  assert.equal(Array.from(column.codes), [1, 0, 1]);
  assert.is(column.levels, 2);
});

test('discretize rejects one bin', () => {
  assert.throws(() => discretize(buildTable(['x'], [['1']]).table, { bins: 1 }), /bin count 1 is invalid/);
});

test.run();
