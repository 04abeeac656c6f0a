import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scoreHistogram } from '../../src/attack/histogram.ts';
import { attackMetrics } from '../../src/attack/metrics.ts';

test('histogram counts each bin by membership', () => {
  const histogram = scoreHistogram([0, 0.1, 0.5, 0.9, 1], [1, 0, 1, 0, 1], 2);
  assert.equal(histogram.edges, [0, 0.5, 1]);
  assert.equal(histogram.members, [1, 2]);
  assert.equal(histogram.nonMembers, [1, 1]);
});

test('histogram puts maximum in last bin', () => {
  const histogram = scoreHistogram([-2, -1, 2], [0, 1, 1], 4);
  assert.equal(histogram.edges, [-2, -1, 0, 1, 2]);
  assert.equal(histogram.members, [0, 1, 0, 1]);
  assert.equal(histogram.nonMembers, [1, 0, 0, 0]);
});

test('histogram of equal scores has one bin', () => {
  const histogram = scoreHistogram([0.3, 0.3, 0.3], [1, 0, 0], 20);
  assert.equal(histogram.edges, [0.3, 0.3]);
  assert.equal(histogram.members, [1]);
  assert.equal(histogram.nonMembers, [2]);
});

test('attack metrics carry a 20-bin histogram', () => {
  const scores = Array.from({ length: 200 }, (_, i) => i / 199);
  const labels = scores.map((_, i) => i % 2);
  const { histogram } = attackMetrics(scores, labels);
  assert.is(histogram.edges.length, 21);
  assert.is(histogram.members.reduce((sum, n) => sum + n, 0), 100);
  assert.is(histogram.nonMembers.reduce((sum, n) => sum + n, 0), 100);
});

test.run();
