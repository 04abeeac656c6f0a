import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { METRIC_ATTACK_KINDS, runMetricAttack, type MetricAttackKind, type MetricAttackResult } from '../attack/metric-attacks.ts';
import { attackMetrics, sampleRocCurve, type AttackMetrics } from '../attack/metrics.ts';
import { attackMetricsByGroup } from '../attack/subgroups.ts';
import { ATTACK_ANN_DEFAULTS, ATTACK_MIN_STEPS, ShadowAttackModel, type AttackModelOptions } from '../attack/shadow.ts';
import { loadDataset, type Dataset, type DatasetOptions } from '../data/datasets.ts';
import { fitEncoder } from '../data/encode.ts';
import { splitRows } from '../data/split.ts';
import { MiascopeError } from '../errors.ts';
import { paperFeatureBalanceGroup } from '../properties/data.ts';
import { ANN_DEFAULTS, AnnClassifier, type AnnOptions } from '../models/ann.ts';
import type { FitProgress } from '../models/classifier.ts';
import { toMatrix, type MatrixData, type TrainedModel } from '../models/train-task.ts';
import { moduleUrl, runTasks } from '../parallel/tasks.ts';
import { packageVersion } from '../paths.ts';
import { crossEntropyLosses, membershipInformationFromLosses, membershipSplits } from '../properties/model-information.ts';
import {
  MODEL_PROPERTY_DEFAULTS,
  measureModelProperties,
  type MembershipInformationValue,
  type ModelProperties,
  type ModelPropertyOptions,
} from '../properties/model.ts';
import { defaultProtectedAttribute, resolveProtectedAttribute, type ProtectedGroups } from '../properties/protected.ts';

const TRAIN_TASK_MODULE = moduleUrl('../models/train-task.ts', import.meta.url);

/** Size used for the target and the shadow training sets when none is given (capped by the data). */
export const DEFAULT_TRAINING_SIZE = 10_000;

export interface AuditOptions {
  /** `adult` or a CSV path. Default `adult`. */
  dataset: string;
  datasetOptions: DatasetOptions;
  /** Target training records (members). Default min(10,000, rows / 4). */
  targetSize?: number;
  /** Shadow training records. Default min(10,000, rows / 4). */
  shadowSize?: number;
  /** Share of members in the target evaluation set, in (0, 1). Default 0.5. */
  memberRate: number;
  seed: string | number;
  /** Options of the target and shadow ANNs; defaults from Table 1 of Tonni et al., "Data and Model Dependencies of Membership Inference Attack" (2020). */
  model: Partial<AnnOptions>;
  attack: Partial<Omit<AttackModelOptions, 'seed' | 'threads'>>;
  /**
   * Protected attribute of the fairness properties, `COL[=VALUE]` (see
   * `resolveProtectedAttribute`). Default `sex` for Adult, otherwise the first
   * two-valued column; with none, fairness values are null.
   */
  protected?: string;
  /** Options of the model properties; defaults in MODEL_PROPERTY_DEFAULTS. */
  properties?: Partial<ModelPropertyOptions>;
  /** Worker threads for independent trainings (target and shadow, per-class attack models). Default: CPU cores; results do not depend on it. */
  threads?: number;
  onProgress?: (progress: AuditProgress) => void;
}

export const AUDIT_DEFAULTS: AuditOptions = {
  dataset: 'adult',
  datasetOptions: {},
  memberRate: 0.5,
  seed: 0,
  model: {},
  attack: {},
};

/**
 * Progress through the audit's training work. Every model trained (target,
 * shadow, each attack model) counts as one unit, so `completed` moves from 0 to
 * `total` as the models' epochs pass.
 */
export interface AuditProgress {
  stage: 'target' | 'shadow' | 'attack';
  completed: number;
  total: number;
  /** Mean training loss of the epoch just finished, natural log. */
  loss: number;
}

export interface ModelSummary {
  model: 'ann';
  trainRecords: number;
  testRecords: number;
  trainAccuracy: number;
  testAccuracy: number;
  epochs: number;
  finalLoss: number;
}

export interface AuditResult {
  tool: { name: 'miascope'; version: string };
  protocol: 'sound';
  config: {
    dataset: string;
    label: string;
    positive: string;
    targetSize: number;
    shadowSize: number;
    memberRate: number;
    seed: string | number;
    /** Options of the target and shadow ANNs; their seeds derive from the audit's seed. */
    model: Omit<AnnOptions, 'seed'>;
    attack: Omit<AttackModelOptions, 'threads'> & { model: 'ann'; minSteps: number };
    /** The protected attribute as given or defaulted, null when the data has none. */
    protected: string | null;
    properties: ModelPropertyOptions;
  };
  dataset: {
    name: string;
    rows: number;
    rowsRead: number;
    droppedRows: number;
    features: string[];
    classNames: [string, string];
    classCounts: [number, number];
    positivePercent: number;
  };
  target: ModelSummary;
  shadow: ModelSummary;
  evaluation: { members: number; nonMembers: number; memberRate: number; trivialAccuracy: number };
  attack: AttackMetrics & { kind: 'shadow-model' };
  metricAttacks: Record<MetricAttackKind, MetricAttackResult>;
  /** Properties of the target model, each with its estimator and protocol. */
  properties: { model: ModelProperties };
  /**
   * Wall-clock seconds per stage; the only fields that differ between runs with the same seed.
   * `propertiesSeconds` counts the model properties measured after the attacks and the wait
   * for the membership I_X models, which train alongside the other stages.
   */
  timing: { loadSeconds: number; trainingSeconds: number; attackSeconds: number; propertiesSeconds: number; totalSeconds: number };
}

/** The four disjoint row sets of one audit, drawn from the dataset with the audit's seed. */
interface Pools {
  targetMembers: Int32Array;
  targetNonMembers: Int32Array;
  shadowMembers: Int32Array;
  shadowNonMembers: Int32Array;
}

function checkSize(name: string, option: string, value: number | undefined, fallback: number): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 2) {
    throw new MiascopeError(`${name} = ${value} is invalid; give a whole number of records ≥ 2 with ${option}`);
  }
  return size;
}

/**
 * Draws the target pool (members and as many held-out non-members) and the
 * disjoint shadow pool (the attacker's data: same distribution, no overlap).
 */
function drawPools(dataset: Dataset, targetSize: number, shadowSize: number, rng: Rng): Pools {
  const rows = dataset.features.rows;
  const needed = 2 * targetSize + 2 * shadowSize;
  if (needed > rows) {
    throw new MiascopeError(
      `target size ${targetSize} and shadow size ${shadowSize} need ${needed} records (each model's members plus as many held-out non-members), ` +
        `but ${dataset.name} has ${rows}; lower --target-size or --shadow-size to at most ${Math.floor(rows / 4)} each`,
    );
  }
  const [targetMembers, targetNonMembers, shadowMembers, shadowNonMembers] = splitRows(
    rows,
    [targetSize, targetSize, shadowSize, shadowSize],
    rng,
  );
  return { targetMembers, targetNonMembers, shadowMembers, shadowNonMembers };
}

/**
 * Draws the target evaluation set at the requested member rate. It keeps all
 * of one side and a seeded subset of the other, so that members / (members +
 * non-members) equals the rate as closely as whole records allow.
 */
function evaluationRows(pools: Pools, memberRate: number, rng: Rng): { members: Int32Array; nonMembers: Int32Array } {
  const members = pools.targetMembers;
  const nonMembers = pools.targetNonMembers;
  if (memberRate >= 0.5) {
    const count = Math.round((members.length * (1 - memberRate)) / memberRate);
    return { members, nonMembers: rng.shuffle(nonMembers.slice()).slice(0, Math.max(1, count)) };
  }
  const count = Math.round((nonMembers.length * memberRate) / (1 - memberRate));
  return { members: rng.shuffle(members.slice()).slice(0, Math.max(1, count)), nonMembers };
}

/** Raises a user error when a training set drawn for a model holds a single class. */
function requireBothClasses(dataset: Dataset, rows: Int32Array, model: string, option: string): void {
  const positives = rows.reduce((sum, row) => sum + dataset.y[row], 0);
  if (positives === 0 || positives === rows.length) {
    const only = dataset.classNames[positives === 0 ? 0 : 1];
    throw new MiascopeError(
      `the ${model} training set of ${rows.length} records drawn from ${dataset.name} holds only class ${only}; raise ${option} (or try another --seed)`,
    );
  }
}

function take(y: Labels, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (i) => y[i]);
}

function concatRows(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows + b.rows, a.cols);
  out.data.set(a.data, 0);
  out.data.set(b.data, a.data.length);
  return out;
}

/** Thins the ROC curve of `metrics` for storage; the metrics themselves come from the full curve. */
function withSampledRoc<T extends AttackMetrics>(metrics: T): T {
  return { ...metrics, roc: sampleRocCurve(metrics.roc) };
}

/** Rows of `posteriors` (one per entry of `pool`, in pool order) for the records `chosen`, a subset of `pool`. */
function selectRows(posteriors: Matrix, pool: Int32Array, chosen: Int32Array): Matrix {
  const position = new Map<number, number>();
  pool.forEach((record, index) => position.set(record, index));
  return posteriors.takeRows(Int32Array.from(chosen, (record) => position.get(record)!));
}

function withoutSeed(options: AnnOptions): Omit<AnnOptions, 'seed'> {
  const { seed: _seed, ...rest } = options;
  return rest;
}

function membershipOf(members: number, nonMembers: number): Int32Array {
  const membership = new Int32Array(members + nonMembers);
  membership.fill(1, 0, members);
  return membership;
}

/** Checks the model property options, which reach runAudit from the CLI or a caller, before any training. */
function checkPropertyOptions(options: ModelPropertyOptions): ModelPropertyOptions {
  const { fairnessPairs, bins, membershipRepeats, membershipPoolSize } = options;
  if (!Number.isInteger(fairnessPairs) || fairnessPairs < 1) {
    throw new MiascopeError(`individual fairness pairs ${fairnessPairs} is invalid; give a whole number ≥ 1`);
  }
  if (!Number.isInteger(bins) || bins < 2) throw new MiascopeError(`bin count ${bins} is invalid; give a whole number ≥ 2`);
  if (!Number.isInteger(membershipRepeats) || membershipRepeats < 0 || membershipRepeats % 2 !== 0) {
    throw new MiascopeError(
      `membership I_X repeats ${membershipRepeats} is invalid; give an even whole number of retrained models (0 skips the estimate) with --membership-repeats`,
    );
  }
  if (!Number.isInteger(membershipPoolSize) || membershipPoolSize < 4) {
    throw new MiascopeError(`membership I_X pool size ${membershipPoolSize} is invalid; give a whole number of records ≥ 4`);
  }
  return options;
}

/**
 * Estimates the `membership` I_X of the audit's training procedure: R ANNs
 * with the target's options, trained on complementary halves of a seeded
 * sample of the target pool (members and non-members). Returns null when R
 * is 0.
 */
async function measureMembershipInformation(
  dataset: Dataset,
  pools: Pools,
  modelOptions: AnnOptions,
  settings: ModelPropertyOptions,
  seed: string | number,
  rng: Rng,
): Promise<MembershipInformationValue | null> {
  const repeats = settings.membershipRepeats;
  if (repeats === 0) return null;
  const targetPool = Int32Array.from([...pools.targetMembers, ...pools.targetNonMembers]);
  const rows = rng.shuffle(targetPool).slice(0, Math.min(settings.membershipPoolSize, targetPool.length));
  const x = fitEncoder(dataset.features, rows).transform(dataset.features, rows);
  const y = take(dataset.y, rows);
  const splits = membershipSplits(rows.length, repeats, rng);
  const seeds = splits.map((_, r) => `${seed}/membership-information/${r}`);

  // One task runs on this thread, which is idle while workers train the target and the shadow model:
  // a worker's start-up would cost more than these small models.
  const [posteriors] = await runTasks<MatrixData[]>(
    [{ module: TRAIN_TASK_MODULE, name: 'trainOnSplits', args: [x, y, splits, withoutSeed(modelOptions), seeds] }],
    { threads: 1 },
  );
  const losses = posteriors.map((p) => crossEntropyLosses(toMatrix(p), y));
  const value = membershipInformationFromLosses(losses, splits, settings.bins);
  return { value, estimator: 'membership', protocol: 'sound', unit: 'bits', repeats, poolRecords: rows.length, bins: settings.bins };
}

/**
 * Runs one membership inference audit (sound protocol): trains a target ANN
 * on target members, a shadow ANN on disjoint shadow members, the attack
 * model(s) on the shadow's posteriors, and measures the attack and the
 * threshold attacks on the target's members and held-out non-members.
 */
export async function runAudit(options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const config = { ...AUDIT_DEFAULTS, ...options };
  if (!(config.memberRate > 0 && config.memberRate < 1)) {
    throw new MiascopeError(`member rate ${config.memberRate} is invalid; give a share strictly between 0 and 1 with --member-rate (0.5 is balanced)`);
  }
  const started = performance.now();
  const seconds = (from: number): number => (performance.now() - from) / 1000;

  // Step 1: data and the four disjoint pools.
  const dataset = loadDataset(config.dataset, config.datasetOptions);
  const loadSeconds = seconds(started);
  const fallbackSize = Math.min(DEFAULT_TRAINING_SIZE, Math.floor(dataset.features.rows / 4));
  const targetSize = checkSize('target size', '--target-size', config.targetSize, fallbackSize);
  const shadowSize = checkSize('shadow size', '--shadow-size', config.shadowSize, fallbackSize);
  const rng = new Rng(config.seed);
  const pools = drawPools(dataset, targetSize, shadowSize, rng.fork('pools'));
  requireBothClasses(dataset, pools.targetMembers, 'target', '--target-size');
  requireBothClasses(dataset, pools.shadowMembers, 'shadow', '--shadow-size');
  const protectedSpec = config.protected ?? defaultProtectedAttribute(dataset.name, dataset.features);
  const groups: ProtectedGroups | null = protectedSpec === null ? null : resolveProtectedAttribute(dataset.features, protectedSpec);
  const propertyOptions = checkPropertyOptions({ ...MODEL_PROPERTY_DEFAULTS, ...config.properties });

  const modelOptions: AnnOptions = { ...ANN_DEFAULTS, ...config.model };
  // Option errors surface here, before any worker starts.
  new AnnClassifier(modelOptions);
  new AnnClassifier({ ...ATTACK_ANN_DEFAULTS, ...config.attack.ann });
  const attackOptions: AttackModelOptions = {
    perClass: true,
    includeLabel: false,
    ...config.attack,
    ann: { ...ATTACK_ANN_DEFAULTS, ...config.attack.ann },
    seed: `${config.seed}/attack`,
    threads: config.threads,
  };
  // Labels are binary, so there are two per-class attack models or one shared one.
  const modelFractions = new Map<string, number>();
  const totalModels = 2 + (attackOptions.perClass ? 2 : 1);
  const progress = (stage: AuditProgress['stage'], model: string, p: FitProgress) => {
    modelFractions.set(model, p.epoch / p.epochs);
    const completed = [...modelFractions.values()].reduce((sum, fraction) => sum + fraction, 0);
    config.onProgress?.({ stage, completed, total: totalModels, loss: p.loss });
  };

  // The membership I_X models train alongside steps 2-4; step 5 waits for them.
  const membershipRun = measureMembershipInformation(
    dataset,
    pools,
    modelOptions,
    propertyOptions,
    config.seed,
    rng.fork('membership-information'),
  );
  // Keeps a failure from being reported as unhandled while an earlier step is still awaited; step 5 rethrows it.
  membershipRun.catch(() => undefined);

  // Step 2: the target and the shadow model, trained in parallel, each with an encoder fit on its own training rows.
  const trainingStarted = performance.now();
  const stages = ['target', 'shadow'] as const;
  const encoders = [pools.targetMembers, pools.shadowMembers].map((members) => fitEncoder(dataset.features, members));
  const splits = [
    { members: pools.targetMembers, nonMembers: pools.targetNonMembers },
    { members: pools.shadowMembers, nonMembers: pools.shadowNonMembers },
  ];
  const tasks = splits.map(({ members, nonMembers }, m) => ({
    module: TRAIN_TASK_MODULE,
    name: 'trainAndScore',
    args: [
      encoders[m].transform(dataset.features, members),
      take(dataset.y, members),
      encoders[m].transform(dataset.features, nonMembers),
      take(dataset.y, nonMembers),
      { ...modelOptions, seed: `${config.seed}/${stages[m]}` },
    ],
  }));
  const [target, shadow] = await runTasks<TrainedModel>(tasks, {
    threads: config.threads,
    onReport: (m, p) => progress(stages[m], stages[m], p as FitProgress),
  });
  const trainingSeconds = seconds(trainingStarted);
  const summarize = (trained: TrainedModel, members: Int32Array, nonMembers: Int32Array): ModelSummary => ({
    model: 'ann',
    trainRecords: members.length,
    testRecords: nonMembers.length,
    trainAccuracy: trained.trainAccuracy,
    testAccuracy: trained.testAccuracy,
    epochs: trained.lossHistory.length,
    finalLoss: trained.lossHistory[trained.lossHistory.length - 1],
  });

  // Step 3: attack examples from the shadow model, then the attack model(s).
  const attackStarted = performance.now();
  const shadowExamples = {
    posteriors: concatRows(toMatrix(shadow.posteriorsMembers), toMatrix(shadow.posteriorsNonMembers)),
    labels: take(dataset.y, Int32Array.from([...pools.shadowMembers, ...pools.shadowNonMembers])),
    membership: membershipOf(pools.shadowMembers.length, pools.shadowNonMembers.length),
  };
  const attackModel = new ShadowAttackModel(attackOptions);
  await attackModel.fit(shadowExamples, (group, _, p) => progress('attack', `attack-${group}`, p));

  // Step 4: the target's evaluation set at the member rate, scored by every attack.
  // The evaluation records are target members and non-members, whose posteriors step 2 already computed.
  const evaluation = evaluationRows(pools, config.memberRate, rng.fork('evaluation'));
  const targetExamples = {
    posteriors: concatRows(
      selectRows(toMatrix(target.posteriorsMembers), pools.targetMembers, evaluation.members),
      selectRows(toMatrix(target.posteriorsNonMembers), pools.targetNonMembers, evaluation.nonMembers),
    ),
    labels: take(dataset.y, Int32Array.from([...evaluation.members, ...evaluation.nonMembers])),
    membership: membershipOf(evaluation.members.length, evaluation.nonMembers.length),
  };
  const scores = await attackModel.scores(targetExamples.posteriors, targetExamples.labels);
  const attack = withSampledRoc({ kind: 'shadow-model' as const, ...attackMetrics(scores, targetExamples.membership) });
  const metricAttacks = Object.fromEntries(
    METRIC_ATTACK_KINDS.map((kind) => [kind, withSampledRoc(runMetricAttack(kind, shadowExamples, targetExamples))]),
  ) as Record<MetricAttackKind, MetricAttackResult>;
  const attackSeconds = seconds(attackStarted);

  // Step 5: properties of the target model, and the attack within each protected group.
  const propertiesStarted = performance.now();
  const evaluationGroups =
    groups === null ? null : Uint8Array.from([...evaluation.members, ...evaluation.nonMembers], (row) => groups.membership[row]);
  const firstLayer = (target.model.layers as Array<{ shape: [number, number]; weight: number[] }>)[0];
  const modelProperties = measureModelProperties(
    {
      features: dataset.features,
      y: dataset.y,
      members: pools.targetMembers,
      nonMembers: pools.targetNonMembers,
      posteriorsMembers: toMatrix(target.posteriorsMembers),
      posteriorsNonMembers: toMatrix(target.posteriorsNonMembers),
      encodedMembers: encoders[0].transform(dataset.features, pools.targetMembers),
      firstLayer: { weight: firstLayer.weight, shape: firstLayer.shape },
      groups,
      paperGroups: paperFeatureBalanceGroup(dataset.features),
      membershipInformation: await membershipRun,
      attackByGroup: evaluationGroups === null ? null : attackMetricsByGroup(scores, targetExamples.membership, evaluationGroups),
      rng: rng.fork('properties'),
    },
    propertyOptions,
  );
  const propertiesSeconds = seconds(propertiesStarted);

  return {
    tool: { name: 'miascope', version: packageVersion() },
    protocol: 'sound',
    config: {
      dataset: config.dataset,
      label: dataset.labelColumn,
      positive: dataset.classNames[1],
      targetSize,
      shadowSize,
      memberRate: config.memberRate,
      seed: config.seed,
      model: withoutSeed(modelOptions),
      attack: {
        model: 'ann',
        perClass: attackOptions.perClass,
        includeLabel: attackOptions.includeLabel,
        ann: attackOptions.ann,
        minSteps: ATTACK_MIN_STEPS,
        seed: attackOptions.seed,
      },
      protected: protectedSpec,
      properties: propertyOptions,
    },
    dataset: {
      name: dataset.name,
      rows: dataset.features.rows,
      rowsRead: dataset.rowsRead,
      droppedRows: dataset.droppedRows,
      features: encoders[0].featureNames,
      classNames: dataset.classNames,
      classCounts: dataset.classCounts,
      positivePercent: (100 * dataset.classCounts[1]) / dataset.features.rows,
    },
    target: summarize(target, pools.targetMembers, pools.targetNonMembers),
    shadow: summarize(shadow, pools.shadowMembers, pools.shadowNonMembers),
    evaluation: {
      members: evaluation.members.length,
      nonMembers: evaluation.nonMembers.length,
      memberRate: evaluation.members.length / (evaluation.members.length + evaluation.nonMembers.length),
      trivialAccuracy: attack.trivialAccuracy,
    },
    attack,
    metricAttacks,
    properties: { model: modelProperties },
    timing: {
      loadSeconds,
      trainingSeconds,
      attackSeconds,
      propertiesSeconds,
      totalSeconds: seconds(started),
    },
  };
}
