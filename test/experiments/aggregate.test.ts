import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateResults, correlateResults } from '../../experiments/aggregate.ts';
import { groupCsv, groupMarkdown, writeReport } from '../../experiments/report.ts';
import type { TrialRecord } from '../../experiments/results.ts';
import { handMadeRecord as record, handMadeSpec as spec } from './fixtures/hand-made-results.ts';

const SWEEP = spec('sweep', { kind: 'sweep', x: 'size' }, ['attackAccuracy', 'attackAuc']);

/**
 * Point 0: attack accuracy 0.6, 0.7, 0.8, so mean 0.7, sd 0.1, and the 95%
 * half width t(0.975, 2) · 0.1/√3 = 4.302653 · 0.0577350 = 0.248414.
 * Point 1: test accuracy 0.5 against point 0's 0.9, so it is pruned at 0.9 × 0.9 = 0.81.
 * Point 2: every trial failed.
 */
const SWEEP_RECORDS: TrialRecord[] = [
  record('sweep', 0, { size: 10 }, 0, { attackAccuracy: 0.6, attackAuc: 0.7, targetTestAccuracy: 0.9, trivialAccuracy: 0.75 }),
  record('sweep', 0, { size: 10 }, 1, { attackAccuracy: 0.7, attackAuc: null, targetTestAccuracy: 0.9, trivialAccuracy: 0.75 }),
  record('sweep', 0, { size: 10 }, 2, { attackAccuracy: 0.8, attackAuc: 0.9, targetTestAccuracy: 0.9, trivialAccuracy: 0.75 }),
  record('sweep', 1, { size: 20 }, 0, { attackAccuracy: 0.5, attackAuc: 0.5, targetTestAccuracy: 0.5, trivialAccuracy: 0.75 }),
  record('sweep', 1, { size: 20 }, 1, { attackAccuracy: 0.5, attackAuc: 0.5, targetTestAccuracy: 0.5, trivialAccuracy: 0.75 }),
  record('sweep', 2, { size: 40 }, 0, {}, { status: 'failed', error: 'size 40 is too large' }),
];

test('sweep means and intervals', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP]);
  const accuracy = group.points[0].values.attackAccuracy!;
  assert.ok(Math.abs(accuracy.mean - 0.7) < 1e-12);
  assert.ok(Math.abs(accuracy.halfWidth - 0.248414) < 1e-5, String(accuracy.halfWidth));
  assert.is(accuracy.n, 3);
});

test('null metric values are left out', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP]);
  const auc = group.points[0].values.attackAuc!;
  assert.is(auc.n, 2);
  assert.ok(Math.abs(auc.mean - 0.8) < 1e-12);
});

test('pruning and failure per point', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP]);
  assert.equal(
    group.points.map((point) => point.status),
    ['ok', 'pruned', 'failed'],
  );
  assert.is(group.bestTestAccuracy, 0.9);
  assert.equal(group.points[2].errors, ['size 40 is too large']);
  assert.equal(group.trivialAccuracies, [0.75]);
});

test('trivial baseline per member rate', () => {
  const records = [
    record('sweep', 0, { size: 10 }, 0, { attackAccuracy: 0.5, trivialAccuracy: 0.5 }),
    record('sweep', 1, { size: 20 }, 0, { attackAccuracy: 0.7, trivialAccuracy: 0.75 }),
  ];
  const [group] = aggregateResults(records, [SWEEP]);
  assert.equal(group.trivialAccuracies, [0.5, 0.75]);
  assert.match(groupMarkdown(group, 'plot.svg'), '0.500 / 0.750 (varies by point)');
});

test('prune threshold option', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP], { pruneThreshold: 0.5 });
  assert.is(group.points[1].status, 'ok');
});

test('spec can turn pruning off', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [{ ...SWEEP, prune: false }]);
  assert.equal(
    group.points.map((point) => point.status),
    ['ok', 'ok', 'failed'],
  );
  assert.is(group.bestTestAccuracy, null);
});

test('csv row of a point', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP]);
  const lines = groupCsv(group).trim().split('\n');
  assert.is(lines.length, 4);
  const header = lines[0].split(',');
  assert.equal(header.slice(0, 8), ['size', 'trials', 'failed', 'status', 'attackAccuracy_mean', 'attackAccuracy_ci95_low', 'attackAccuracy_ci95_high', 'attackAccuracy_n']);
  const row = lines[1].split(',');
  assert.equal(row.slice(0, 4), ['10', '3', '0', 'ok']);
  assert.ok(Math.abs(Number(row[5]) - (0.7 - 0.248414)) < 1e-5);
  assert.equal(lines[3].split(',').slice(0, 5), ['40', '1', '1', 'failed', '']);
});

test('markdown shows baseline and pruning', () => {
  const [group] = aggregateResults(SWEEP_RECORDS, [SWEEP]);
  const text = groupMarkdown(group, 'plot.svg');
  assert.match(text, 'Trivial baseline of attack accuracy (always predicting the majority membership): 0.750');
  assert.match(text, '| 10 | 3/3 | ok | 0.700 ± 0.248 | 0.800 ± ');
  assert.match(text, '| 20 | 2/2 | pruned | 0.500 ± 0.000 |');
  assert.match(text, 'size 40 is too large');
});

test('heatmap table has a grid', () => {
  const grid = spec('grid', { kind: 'heatmap', x: 'shadow', y: 'target', value: 'attackAccuracy' }, ['attackAccuracy']);
  const records = [
    record('grid', 0, { target: 'lr', shadow: 'lr' }, 0, { attackAccuracy: 0.61 }),
    record('grid', 1, { target: 'lr', shadow: 'knn' }, 0, { attackAccuracy: 0.62 }),
    record('grid', 2, { target: 'knn', shadow: 'lr' }, 0, { attackAccuracy: 0.71 }),
    record('grid', 3, { target: 'knn', shadow: 'knn' }, 0, { attackAccuracy: 0.72 }),
  ];
  const [group] = aggregateResults(records, [grid]);
  const text = groupMarkdown(group, 'plot.svg');
  assert.match(text, '| target \\ shadow | lr | knn |');
  assert.match(text, '| lr | 0.610 | 0.620 |');
  assert.match(text, '| knn | 0.710 | 0.720 |');
});

test('correlations pool other experiments', () => {
  const pooling = spec('pool', { kind: 'correlations' }, ['classBalance', 'fairness', 'entropy']);
  pooling.pools = ['a', 'b'];
  const a = spec('a', { kind: 'scatter', x: 'classBalance' }, ['attackAccuracy']);
  const b = spec('b', { kind: 'scatter', x: 'classBalance' }, ['attackAccuracy']);
  // Fairness = 1 − 2·classBalance exactly, so r = −1. Entropy is 1, 2, 3, 4 against balance 10, 20, 40, 30.
  const records = [
    record('a', 0, { classBalance: 10 }, 0, { fairness: 1 - 20, entropy: 1 }),
    record('a', 1, { classBalance: 20 }, 0, { fairness: 1 - 40, entropy: 2 }),
    record('b', 0, { classBalance: 40 }, 0, { fairness: 1 - 80, entropy: 3 }),
    record('b', 1, { classBalance: 30 }, 0, { fairness: 1 - 60, entropy: 4 }),
  ];
  const groups = aggregateResults(records, [a, b]);
  const [result] = correlateResults(pooling, groups);
  assert.equal(result.pooled, ['a', 'b']);
  assert.is(result.rows.length, 3);
  const [balanceFairness, balanceEntropy, fairnessEntropy] = result.rows;
  assert.is(balanceFairness.n, 4);
  assert.ok(Math.abs(balanceFairness.pearson!.r + 1) < 1e-12);
  assert.is(balanceFairness.spearman!.r, -1);
  // Ranks of balance 1, 2, 4, 3 against 1, 2, 3, 4: Spearman's r = 1 − 6·2/(4·15) = 0.8.
  assert.ok(Math.abs(balanceEntropy.spearman!.r - 0.8) < 1e-12);
  assert.ok(Math.abs(fairnessEntropy.spearman!.r + 0.8) < 1e-12);
});

test('report files per dataset and protocol', async () => {
  const out = mkdtempSync(join(tmpdir(), 'miascope-report-'));
  const summary = await writeReport(out, SWEEP_RECORDS, [SWEEP]);
  assert.equal(
    summary.files.map((file) => file.slice(out.length + 1)),
    ['sweep/adult-paper.csv', 'sweep/adult-paper.md', 'sweep/adult-paper.svg', 'claims.md', 'index.md'],
  );
  const svg = readFileSync(join(out, 'sweep', 'adult-paper.svg'), 'utf8');
  assert.match(svg, '<svg');
  assert.match(svg, 'trivial 0.75');
  assert.match(svg, 'attackAuc');
  assert.match(readFileSync(join(out, 'index.md'), 'utf8'), '| [sweep](sweep/adult-paper.md) | adult | paper | 5/6 | 1 | attackAccuracy 0.700–0.700 | 0.750 |');
});

test('report names unknown experiments', async () => {
  const out = mkdtempSync(join(tmpdir(), 'miascope-report-'));
  const summary = await writeReport(out, [...SWEEP_RECORDS, record('gone', 0, { size: 1 }, 0, {})], [SWEEP]);
  assert.equal(summary.unknown, ['gone']);
});

test.run();
