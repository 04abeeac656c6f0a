import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { METRIC_ATTACK_KINDS, runMetricAttack, type MetricAttackKind, type MetricAttackResult } from '../attack/metric-attacks.ts';
import { attackMetrics, sampleRocCurve, type AttackMetrics } from '../attack/metrics.ts';
import { ATTACK_ANN_DEFAULTS, ShadowAttackModel, type AttackModelOptions } from '../attack/shadow.ts';
import { loadDataset, type Dataset, type DatasetOptions } from '../data/datasets.ts';
import { fitEncoder } from '../data/encode.ts';
import { splitRows } from '../data/split.ts';
import { MiascopeError } from '../errors.ts';
import { ANN_DEFAULTS, AnnClassifier, type AnnOptions } from '../models/ann.ts';
import { accuracy, type FitReport } from '../models/classifier.ts';
import { packageVersion } from '../paths.ts';

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
  /** Options of the target and shadow ANNs (defaults: Table 1 of the paper). */
  model: Partial<AnnOptions>;
  attack: Partial<Omit<AttackModelOptions, 'seed'>>;
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

/** Progress through the audit's training work, counted in epochs over all models. */
export interface AuditProgress {
  stage: 'target' | 'shadow' | 'attack';
  completedEpochs: number;
  totalEpochs: number;
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
    model: AnnOptions;
    attack: AttackModelOptions & { model: 'ann'; ann: Partial<AnnOptions> };
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
  /** Wall-clock seconds per stage; the only fields that differ between runs with the same seed. */
  timing: { loadSeconds: number; targetSeconds: number; shadowSeconds: number; attackSeconds: number; totalSeconds: number };
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
 * The target evaluation set at the requested member rate: all of one side and
 * a seeded subset of the other, so that members / (members + non-members)
 * equals the rate as closely as whole records allow.
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

function take(y: Labels, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (i) => y[i]);
}

function concatRows(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows + b.rows, a.cols);
  out.data.set(a.data, 0);
  out.data.set(b.data, a.data.length);
  return out;
}

/** The metrics with their ROC curve thinned for storage (the metrics themselves come from the full curve). */
function withSampledRoc<T extends AttackMetrics>(metrics: T): T {
  return { ...metrics, roc: sampleRocCurve(metrics.roc) };
}

function membershipOf(members: number, nonMembers: number): Int32Array {
  const membership = new Int32Array(members + nonMembers);
  membership.fill(1, 0, members);
  return membership;
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

  const modelOptions: AnnOptions = { ...ANN_DEFAULTS, ...config.model };
  const attackOptions: AttackModelOptions = {
    perClass: true,
    includeLabel: false,
    ...config.attack,
    ann: { ...ATTACK_ANN_DEFAULTS, ...config.attack.ann },
    seed: `${config.seed}/attack`,
  };
  const groups = attackOptions.perClass ? 2 : 1;
  const totalEpochs = 2 * modelOptions.epochs + groups * (attackOptions.ann.epochs ?? ATTACK_ANN_DEFAULTS.epochs!);
  let completedEpochs = 0;
  const progress = (stage: AuditProgress['stage']) => (p: { loss: number }) => {
    completedEpochs++;
    config.onProgress?.({ stage, completedEpochs, totalEpochs, loss: p.loss });
  };

  // Step 2: the target and the shadow model, each with an encoder fit on its own training rows.
  const trainModel = async (stage: 'target' | 'shadow', members: Int32Array, nonMembers: Int32Array) => {
    const from = performance.now();
    const encoder = fitEncoder(dataset.features, members);
    const xMembers = encoder.transform(dataset.features, members);
    const xNonMembers = encoder.transform(dataset.features, nonMembers);
    const yMembers = take(dataset.y, members);
    const yNonMembers = take(dataset.y, nonMembers);
    const model = new AnnClassifier({ ...modelOptions, seed: `${config.seed}/${stage}` });
    const report: FitReport = await model.fit(xMembers, yMembers, { onProgress: progress(stage) });
    const posteriorsMembers = await model.predictProba(xMembers);
    const posteriorsNonMembers = await model.predictProba(xNonMembers);
    const summary: ModelSummary = {
      model: 'ann',
      trainRecords: members.length,
      testRecords: nonMembers.length,
      trainAccuracy: accuracy(await model.predict(xMembers), yMembers),
      testAccuracy: accuracy(await model.predict(xNonMembers), yNonMembers),
      epochs: report.epochs,
      finalLoss: report.lossHistory[report.lossHistory.length - 1],
    };
    return { summary, encoder, model, posteriorsMembers, posteriorsNonMembers, yMembers, yNonMembers, seconds: seconds(from) };
  };
  const target = await trainModel('target', pools.targetMembers, pools.targetNonMembers);
  const shadow = await trainModel('shadow', pools.shadowMembers, pools.shadowNonMembers);

  // Step 3: attack examples from the shadow model, then the attack model(s).
  const attackStarted = performance.now();
  const shadowExamples = {
    posteriors: concatRows(shadow.posteriorsMembers, shadow.posteriorsNonMembers),
    labels: Int32Array.from([...shadow.yMembers, ...shadow.yNonMembers]),
    membership: membershipOf(shadow.yMembers.length, shadow.yNonMembers.length),
  };
  const attackModel = new ShadowAttackModel(attackOptions);
  await attackModel.fit(shadowExamples, (_, __, p) => progress('attack')(p));

  // Step 4: the target's evaluation set at the member rate, scored by every attack.
  const evaluation = evaluationRows(pools, config.memberRate, rng.fork('evaluation'));
  const xEvaluation = target.encoder.transform(dataset.features, Int32Array.from([...evaluation.members, ...evaluation.nonMembers]));
  const targetExamples = {
    posteriors: await target.model.predictProba(xEvaluation),
    labels: take(dataset.y, Int32Array.from([...evaluation.members, ...evaluation.nonMembers])),
    membership: membershipOf(evaluation.members.length, evaluation.nonMembers.length),
  };
  const scores = await attackModel.scores(targetExamples.posteriors, targetExamples.labels);
  const attack = withSampledRoc({ kind: 'shadow-model' as const, ...attackMetrics(scores, targetExamples.membership) });
  const metricAttacks = Object.fromEntries(
    METRIC_ATTACK_KINDS.map((kind) => [kind, withSampledRoc(runMetricAttack(kind, shadowExamples, targetExamples))]),
  ) as Record<MetricAttackKind, MetricAttackResult>;
  const attackSeconds = seconds(attackStarted);

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
      model: modelOptions,
      attack: { model: 'ann', ...attackOptions },
    },
    dataset: {
      name: dataset.name,
      rows: dataset.features.rows,
      rowsRead: dataset.rowsRead,
      droppedRows: dataset.droppedRows,
      features: target.encoder.featureNames,
      classNames: dataset.classNames,
      classCounts: dataset.classCounts,
      positivePercent: (100 * dataset.classCounts[1]) / dataset.features.rows,
    },
    target: target.summary,
    shadow: shadow.summary,
    evaluation: {
      members: evaluation.members.length,
      nonMembers: evaluation.nonMembers.length,
      memberRate: evaluation.members.length / (evaluation.members.length + evaluation.nonMembers.length),
      trivialAccuracy: attack.trivialAccuracy,
    },
    attack,
    metricAttacks,
    timing: {
      loadSeconds,
      targetSeconds: target.seconds,
      shadowSeconds: shadow.seconds,
      attackSeconds,
      totalSeconds: seconds(started),
    },
  };
}
