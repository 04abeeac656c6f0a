import { Rng } from '../engine/rng.ts';
import { runAudit, type AuditOptions, type AuditResult, type RecordSampler } from '../src/audit/audit.ts';
import { loadDataset, type Dataset } from '../src/data/datasets.ts';
import { sampleClassBalance, sampleEntropy, sampleFeatureBalance, sampleFeatureCount } from '../src/data/samplers.ts';
import { MiascopeError } from '../src/errors.ts';
import { datasetEntropyBits, paperFeatureBalanceGroup } from '../src/properties/data.ts';
import { discretize } from '../src/properties/discretize.ts';
import type { Protocol, TrialInput, TrialOutput, Value } from './spec.ts';

/**
 * Trial code shared by the experiment specs: settings lookup, an audit on the
 * trial's dataset with a sampled training set, record samplers for the data
 * properties, and the standard metrics of an audit result.
 */

/** Datasets whose sizes in Tonni et al. (2020) are ten times Adult's (10K–100K against 1K–10K). */
const LARGE_DATASETS = ['texas', 'purchase'];

/** The attack metrics every attack experiment reports, headline first, with the target's accuracies. */
export const ATTACK_METRICS = [
  'attackAccuracy',
  'trivialAccuracy',
  'attackBalancedAccuracy',
  'attackAuc',
  'attackAdvantage',
  'attackTprAt1Fpr',
  'targetTrainAccuracy',
  'targetTestAccuracy',
];

/** Trial inputs whose audits trained an ANN on WebGPU, so that the runner can mark their results lines. */
const trainedOnWebGpu = new WeakSet<TrialInput>();

/** Returns whether an audit of this trial input trained its ANNs on WebGPU. */
export function usedWebGpu(input: TrialInput): boolean {
  return trainedOnWebGpu.has(input);
}

/** Cache of loaded datasets by name and options, because a worker runs many trials on one dataset and loading Adult takes about half a second. */
const loaded = new Map<string, Dataset>();

/** Returns the trial's dataset, loaded once per worker. Loading is deterministic, so sharing it keeps trials pure. */
export function trialDataset(input: TrialInput): Dataset {
  const key = JSON.stringify([input.dataset, input.datasetOptions]);
  let dataset = loaded.get(key);
  if (dataset === undefined) {
    dataset = loadDataset(input.dataset, input.datasetOptions);
    loaded.set(key, dataset);
  }
  return dataset;
}

/** Reads setting `name` from the trial's point, else from its profile settings. */
export function setting(input: TrialInput, name: string): Value | undefined {
  return name in input.point ? input.point[name] : input.settings[name];
}

/** Reads a numeric setting, or raises a MiascopeError naming the spec and the setting. */
export function numberSetting(input: TrialInput, name: string): number {
  const value = setting(input, name);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MiascopeError(`${input.experiment}: invalid setting ${name}: ${JSON.stringify(value)} is not a finite number; give a number in the point or the profile settings`);
  }
  return value;
}

/**
 * Reads a record count given at Adult's scale and scales it for Texas and
 * Purchase by the profile setting `largeDatasetSizeScale` (default 1). Tonni
 * et al. (2020) use 1K–10K records on Adult and 10K–100K on the others.
 */
export function sizeSetting(input: TrialInput, name: string): number {
  const size = numberSetting(input, name);
  const scale = setting(input, 'largeDatasetSizeScale');
  return LARGE_DATASETS.includes(input.dataset) && typeof scale === 'number' ? Math.round(size * scale) : size;
}

/**
 * Runs an audit for a trial on the trial's dataset, protocol and seed, with
 * target and shadow sizes from the settings `targetSize` and `shadowSize`. It
 * uses one thread, because the runner runs trials in parallel. It skips the
 * membership I_X, whose retrained models would dominate the trial's time.
 * Its ANNs train on `input.backend` (default cpu). `options` override all of these.
 */
export async function auditTrial(input: TrialInput, options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const result = await runAudit({
    protocol: input.protocol,
    dataset: input.dataset,
    datasetOptions: input.datasetOptions,
    data: trialDataset(input),
    seed: input.seed,
    threads: 1,
    targetSize: sizeSetting(input, 'targetSize'),
    shadowSize: sizeSetting(input, 'shadowSize'),
    properties: { membershipRepeats: 0 },
    backend: input.backend ?? 'cpu',
    ...options,
  });
  if (result.config.backend === 'webgpu') trainedOnWebGpu.add(input);
  return result;
}

/**
 * Returns the standard metrics of an audit result, flat. Data properties are those of
 * the target's training records (members). `featureBalancePercent` is the
 * share of members carrying c* (top-5 mutual-information features) under the
 * sound protocol, and the share in the paper protocol's feature-balance group
 * (first five columns ≤ 0.5 after min-max scaling) under the paper protocol. The
 * fairness and I_X values are the protocol's headline forms.
 */
export function auditMetrics(result: AuditResult): Record<string, number | null> {
  const { target, shadows, attack, evaluation, metricAttacks, properties } = result;
  const { headline, data } = properties;
  const paperGroup = properties.model.paper.groups.trainingRecords;
  return {
    targetTrainAccuracy: target.trainAccuracy,
    targetTestAccuracy: target.testAccuracy,
    shadowTestAccuracy: shadows.reduce((sum, shadow) => sum + shadow.testAccuracy, 0) / shadows.length,
    attackAccuracy: attack.accuracy,
    attackBalancedAccuracy: attack.balancedAccuracy,
    attackAuc: attack.auc,
    attackTprAt1Fpr: attack.tprAtOnePercentFpr,
    attackAdvantage: attack.advantage,
    attackPrecision: attack.precision,
    attackRecall: attack.recall,
    trivialAccuracy: evaluation.trivialAccuracy,
    lossAttackAuc: metricAttacks.loss.auc,
    targetMembers: target.trainRecords,
    classBalancePercent: data.classBalancePercent,
    featureBalancePercent: result.protocol === 'paper' ? (100 * paperGroup[1]) / (paperGroup[0] + paperGroup[1]) : data.featureBalance.percent,
    featureCount: data.featureCount,
    entropyBits: data.entropyBits,
    groupFairness: headline.groupFairness?.value ?? null,
    predictiveFairness: headline.predictiveFairness?.value ?? null,
    individualFairness: headline.individualFairness?.value ?? null,
    indistinguishability: headline.indistinguishability.value,
    information: headline.information?.value ?? null,
  };
}

/** Runs `auditTrial` and returns its standard metrics, with `data` (realised sample values) attached. */
export async function auditTrialOutput(input: TrialInput, options: Partial<AuditOptions> = {}, data: Record<string, Value> = {}): Promise<TrialOutput> {
  const result = await auditTrial(input, options);
  return {
    metrics: auditMetrics(result),
    data: { ...data, targetSize: result.config.targetSize, shadowSize: result.config.shadowSize, warnings: result.warnings.length },
  };
}

/** Returns a record sampler that draws each request at `percent` % of class 1 (see `sampleClassBalance`). */
export function classBalanceSampler(dataset: Dataset, percent: number): RecordSampler {
  return ({ size, pool, rng }) => sampleClassBalance(dataset, { size, classBalancePercent: percent }, rng, { pool }).rows;
}

/**
 * Returns a record sampler that draws each request with `percent` % of
 * records in the protocol's feature-balance group. Under sound the group is
 * the records carrying c*, the most frequent combination of the pool's top-5
 * features by mutual information with the label. Under paper it is the
 * records whose first five columns are all ≤ 0.5 after min-max scaling.
 */
export function featureBalanceSampler(dataset: Dataset, percent: number, protocol: Protocol): RecordSampler {
  if (protocol === 'sound') {
    return ({ size, pool, rng }) => sampleFeatureBalance(dataset, { size, featureBalancePercent: percent }, rng, { pool }).rows;
  }
  // The paper's group is a fixed 0/1 mark per record, so drawing a share of it is a class-balance draw on that mark.
  const group = { features: dataset.features, y: Int32Array.from(paperFeatureBalanceGroup(dataset.features)) };
  return ({ size, pool, rng }) => sampleClassBalance(group, { size, classBalancePercent: percent }, rng, { pool }).rows;
}

/**
 * Returns a record sampler that draws each request with dataset entropy H_D at
 * `level` times the H_D of the whole table (bits, on 10 equal-frequency bins),
 * by `sampleEntropy`'s mix of a low-diversity stratum with a uniform draw.
 */
export function entropySampler(dataset: Dataset, level: number): RecordSampler {
  const entropyBits = level * datasetEntropyBits(discretize(dataset.features));
  return ({ size, pool, rng }) => sampleEntropy(dataset, { size, entropyBits }, rng, { pool }).rows;
}

/** Draws `count` feature columns at random with `sampleFeatureCount`, seeded by the trial, in table order. */
export function randomFeatures(dataset: Dataset, count: number, seed: number): string[] {
  return sampleFeatureCount(dataset, { size: 1, featureCount: count }, new Rng(seed).fork('features')).columns;
}

/**
 * Returns the trial function of a spec that pools the results of `pools`
 * (table4). Such a spec has no trials, and the runner's report computes its
 * correlations, so running one rejects with a MiascopeError.
 */
export function pooledTrial(id: string, pools: readonly string[]): (input: TrialInput) => Promise<TrialOutput> {
  return () =>
    Promise.reject(
      new MiascopeError(`${id} runs no trials of its own: it pools the results of ${pools.join(', ')}; run those, and the report of their output folder shows ${id}`),
    );
}
