import { meanInterval, pearson, spearman, type MeanInterval } from '../src/stats/index.ts';
import type { TrialRecord } from './results.ts';
import type { ExperimentSpec, Point, Profile, Protocol } from './spec.ts';

/**
 * Aggregation of results.jsonl: per experiment, dataset and protocol, the
 * mean and 95% Student-t interval of every metric at each grid point, the
 * pruning of configurations that failed to train, and the correlations of
 * experiments that pool the results of others.
 */

/** Default of `pruneThreshold`: a point is pruned when its mean target test accuracy is below 0.9 × the best point's. */
export const DEFAULT_PRUNE_THRESHOLD = 0.9;

/**
 * Status of a grid point. `pruned` means the point's mean target test accuracy
 * is below the threshold times the best point's: the model failed to train, so
 * its attack metrics mean little. `failed` means every trial raised a
 * MiascopeError. Every other point is `ok`.
 */
export type PointStatus = 'ok' | 'pruned' | 'failed';

export interface PointSummary {
  pointIndex: number;
  point: Point;
  /** Trials present in the results, ok or failed. */
  trials: number;
  /**
   * Trials the profile runs at this point. It exceeds `trials` when some are
   * missing (e.g. a shard not merged) and is never below `trials`, for results
   * of a spec whose profile has since shrunk.
   */
  expectedTrials: number;
  failed: number;
  status: PointStatus;
  /** Distinct messages of the failed trials. */
  errors: string[];
  /** Mean and 95% interval over the ok trials with a finite value, by metric or data field. Absent when no trial has one. */
  values: Record<string, MeanInterval | undefined>;
}

/** The aggregated results of one experiment on one dataset under one protocol. */
export interface ResultGroup {
  spec: ExperimentSpec;
  dataset: string;
  protocol: Protocol;
  profile: Profile;
  /**
   * Trials the profile runs for this experiment on one dataset, whether
   * present or not: the `expectedTrials` of every point, and trials per point
   * for each of the profile's points without results.
   */
  expectedTrials: number;
  /** Metrics and numeric data fields, in report order: the spec's metrics first, then the others as first seen. */
  fields: string[];
  points: PointSummary[];
  /** Ok trials, in canonical order, for the plots that show one dot per trial. */
  records: TrialRecord[];
  /**
   * Distinct per-point means of trivialAccuracy (the accuracy of always
   * predicting the majority membership), rounded to 3 decimals and sorted.
   * One value unless the member rate varies across points. Empty when no trial reports it.
   */
  trivialAccuracies: number[];
  /**
   * Best point's mean target test accuracy, the reference of pruning. Null when
   * no trial reports targetTestAccuracy or the spec turns pruning off.
   */
  bestTestAccuracy: number | null;
  pruneThreshold: number;
}

export interface AggregateOptions {
  /** Default DEFAULT_PRUNE_THRESHOLD (0.9). */
  pruneThreshold?: number;
}

/**
 * Groups `records` by experiment, dataset and protocol and aggregates each
 * group's points. Records of experiments missing from `specs` are left out
 * (see `unknownExperiments`). Groups come in the order of `specs`, then by
 * dataset and protocol.
 */
export function aggregateResults(records: readonly TrialRecord[], specs: readonly ExperimentSpec[], options: AggregateOptions = {}): ResultGroup[] {
  const pruneThreshold = options.pruneThreshold ?? DEFAULT_PRUNE_THRESHOLD;
  const groups: ResultGroup[] = [];
  for (const spec of specs) {
    const own = records.filter((record) => record.experiment === spec.id);
    for (const [dataset, protocol] of datasetProtocolPairs(own)) {
      groups.push(aggregateGroup(spec, dataset, protocol, own.filter((record) => record.dataset === dataset && record.protocol === protocol), pruneThreshold));
    }
  }
  return groups;
}

/** Ids of experiments in `records` that `specs` does not contain, so their results cannot be reported. */
export function unknownExperiments(records: readonly TrialRecord[], specs: readonly ExperimentSpec[]): string[] {
  const known = new Set(specs.map((spec) => spec.id));
  return [...new Set(records.map((record) => record.experiment))].filter((id) => !known.has(id)).sort();
}

/** Distinct [dataset, protocol] pairs of `records`, sorted. */
export function datasetProtocolPairs(records: readonly TrialRecord[]): [string, Protocol][] {
  const pairs = new Map<string, [string, Protocol]>();
  for (const record of records) pairs.set(JSON.stringify([record.dataset, record.protocol]), [record.dataset, record.protocol]);
  return [...pairs.keys()].sort().map((key) => pairs.get(key)!);
}

function aggregateGroup(spec: ExperimentSpec, dataset: string, protocol: Protocol, records: TrialRecord[], pruneThreshold: number): ResultGroup {
  const profile = records[0].profile;
  const settings = spec.profiles[profile];
  const ok = records.filter((record) => record.status === 'ok');
  const fields = reportFields(spec, ok);

  const byPoint = new Map<number, TrialRecord[]>();
  for (const record of records) {
    const list = byPoint.get(record.pointIndex) ?? [];
    list.push(record);
    byPoint.set(record.pointIndex, list);
  }
  const points: PointSummary[] = [...byPoint.keys()]
    .sort((a, b) => a - b)
    .map((pointIndex) => summarisePoint(pointIndex, byPoint.get(pointIndex)!, fields, settings.trials));

  const testAccuracies = points.map((point) => point.values.targetTestAccuracy?.mean).filter((mean): mean is number => mean !== undefined);
  const bestTestAccuracy = testAccuracies.length > 0 && spec.prune !== false ? Math.max(...testAccuracies) : null;
  for (const point of points) {
    const mean = point.values.targetTestAccuracy?.mean;
    if (point.status === 'ok' && bestTestAccuracy !== null && mean !== undefined && mean < pruneThreshold * bestTestAccuracy) point.status = 'pruned';
  }

  const pointsWithoutResults = settings.points.filter((_, pointIndex) => !byPoint.has(pointIndex)).length;
  const expectedTrials = points.reduce((sum, point) => sum + point.expectedTrials, 0) + settings.trials * pointsWithoutResults;
  const trivialMeans = points.map((point) => point.values.trivialAccuracy?.mean).filter((mean): mean is number => mean !== undefined);
  const trivialAccuracies = [...new Set(trivialMeans.map((mean) => Math.round(1000 * mean) / 1000))].sort((a, b) => a - b);

  return {
    spec,
    dataset,
    protocol,
    profile,
    expectedTrials,
    fields,
    points,
    records: ok,
    trivialAccuracies,
    bestTestAccuracy,
    pruneThreshold,
  };
}

function summarisePoint(pointIndex: number, records: TrialRecord[], fields: string[], expectedTrials: number): PointSummary {
  const ok = records.filter((record) => record.status === 'ok');
  const values: Record<string, MeanInterval | undefined> = {};
  for (const field of fields) {
    const finite = finiteValues(ok, field);
    values[field] = finite.length > 0 ? meanInterval(finite) : undefined;
  }
  const failedRecords = records.filter((record) => record.status === 'failed');
  return {
    pointIndex,
    point: records[0].point,
    trials: records.length,
    expectedTrials: Math.max(expectedTrials, records.length),
    failed: failedRecords.length,
    status: ok.length === 0 ? 'failed' : 'ok',
    errors: [...new Set(failedRecords.map((record) => record.error ?? 'failed'))],
    values,
  };
}

/** Lists the spec's metrics, then every other metric, then every numeric data field, each once, as first seen in `records`. */
function reportFields(spec: ExperimentSpec, records: readonly TrialRecord[]): string[] {
  const fields = new Set<string>(spec.metrics);
  for (const record of records) for (const name of Object.keys(record.metrics)) fields.add(name);
  for (const record of records) {
    for (const [name, value] of Object.entries(record.data)) if (typeof value === 'number') fields.add(name);
  }
  return [...fields];
}

/**
 * Returns the value of `name` in a trial: its metric of that name, else its
 * data field, else its point setting. The first source that has the name decides.
 * Undefined when that value is not a finite number (null marks an undefined metric).
 */
export function trialValue(record: TrialRecord, name: string): number | undefined {
  for (const source of [record.metrics, record.data, record.point] as Record<string, unknown>[]) {
    if (!(name in source)) continue;
    const value = source[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

function finiteValues(records: readonly TrialRecord[], name: string): number[] {
  return records.map((record) => trialValue(record, name)).filter((value): value is number => value !== undefined);
}

/** Pearson's and Spearman's correlation of two pooled properties, with two-sided p-values. */
export interface CorrelationRow {
  first: string;
  second: string;
  /** Trials with a finite value of both. */
  n: number;
  pearson: { r: number; p: number } | null;
  spearman: { r: number; p: number } | null;
}

/** The correlations of a pooling spec (table4) on one dataset under one protocol. */
export interface CorrelationGroup {
  spec: ExperimentSpec;
  dataset: string;
  protocol: Protocol;
  /** Pooled experiments that had results for this dataset and protocol. */
  pooled: string[];
  /** Trials of pruned points left out of the pool. */
  prunedTrials: number;
  rows: CorrelationRow[];
}

/**
 * Pools the ok trials of `spec.pools` (leaving out pruned points) per dataset
 * and protocol and correlates every pair of `spec.metrics`, as in Table 4 of
 * Tonni et al. (2020). A value is looked up as in `trialValue`. A pair with
 * fewer than 3 trials, or with a constant value, has no coefficient (null).
 */
export function correlateResults(spec: ExperimentSpec, groups: readonly ResultGroup[]): CorrelationGroup[] {
  const pooled = groups.filter((group) => spec.pools?.includes(group.spec.id));
  const pairs = new Map<string, ResultGroup[]>();
  for (const group of pooled) {
    const key = JSON.stringify([group.dataset, group.protocol]);
    pairs.set(key, [...(pairs.get(key) ?? []), group]);
  }
  return [...pairs.keys()].sort().map((key) => {
    const members = pairs.get(key)!;
    const kept: TrialRecord[] = [];
    let prunedTrials = 0;
    for (const group of members) {
      const pruned = new Set(group.points.filter((point) => point.status === 'pruned').map((point) => point.pointIndex));
      for (const record of group.records) {
        if (pruned.has(record.pointIndex)) prunedTrials++;
        else kept.push(record);
      }
    }
    const rows: CorrelationRow[] = [];
    for (let i = 0; i < spec.metrics.length; i++) {
      for (let j = i + 1; j < spec.metrics.length; j++) rows.push(correlatePair(kept, spec.metrics[i], spec.metrics[j]));
    }
    return { spec, dataset: members[0].dataset, protocol: members[0].protocol, pooled: members.map((group) => group.spec.id), prunedTrials, rows };
  });
}

function correlatePair(records: readonly TrialRecord[], first: string, second: string): CorrelationRow {
  const x: number[] = [];
  const y: number[] = [];
  for (const record of records) {
    const a = trialValue(record, first);
    const b = trialValue(record, second);
    if (a !== undefined && b !== undefined) {
      x.push(a);
      y.push(b);
    }
  }
  if (x.length < 3) return { first, second, n: x.length, pearson: null, spearman: null };
  const linear = pearson(x, y);
  const rank = spearman(x, y);
  return {
    first,
    second,
    n: x.length,
    pearson: Number.isNaN(linear.r) ? null : { r: linear.r, p: linear.p },
    spearman: Number.isNaN(rank.r) ? null : { r: rank.r, p: rank.p },
  };
}
