import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { METRIC_ATTACK_KINDS, runMetricAttack, type MetricAttackKind, type MetricAttackResult } from '../attack/metric-attacks.ts';
import { attackMetrics, sampleRocCurve, type AttackMetrics } from '../attack/metrics.ts';
import { ATTACK_ANN_DEFAULTS, ATTACK_MIN_STEPS, ShadowAttackModel, type AttackModelOptions } from '../attack/shadow.ts';
import { attackMetricsByGroup } from '../attack/subgroups.ts';
import { loadDataset, type Dataset } from '../data/datasets.ts';
import type { Encoder } from '../data/encode.ts';
import { defendedTask, defenseSection, resolveAuditDefense } from '../defense/audit-defense.ts';
import { MiascopeError } from '../errors.ts';
import { ANN_DEFAULTS, type AnnOptions } from '../models/ann.ts';
import type { FitProgress } from '../models/classifier.ts';
import { createModel, isModelName, MODEL_NAMES, type ModelName } from '../models/registry.ts';
import { annStepFlops, resolveBackendChoice } from '../models/backend-choice.ts';
import { toMatrix, type TrainedModel } from '../models/train-task.ts';
import { defaultThreads, moduleUrl, runTasks, WorkerPool } from '../parallel/tasks.ts';
import { packageVersion } from '../paths.ts';
import { dataProperties, paperFeatureBalanceGroup } from '../properties/data.ts';
import { MODEL_PROPERTY_DEFAULTS, measureModelProperties, type ModelProperties } from '../properties/model.ts';
import { defaultProtectedAttribute, resolveProtectedAttribute, type ProtectedGroups } from '../properties/protected.ts';
import { readAudit } from '../report/reading.ts';
import { checkPropertyOptions, measureMembershipInformation } from './membership-information.ts';
import {
  checkSize,
  drawPools,
  drawSampledPools,
  drawSampledShadowSplit,
  drawShadowSplit,
  drawSplitPools,
  drawSplitShadow,
  evaluationRows,
  requireBothClasses,
  type Pools,
  type ShadowSplit,
} from './pools.ts';
import { AUDIT_PROTOCOLS, PROTOCOL_SETTINGS, protocolEncoders, type AuditProtocol, type ProtocolSettings } from './protocols.ts';
import {
  AUDIT_DEFAULTS,
  DEFAULT_TRAINING_SIZE,
  type AuditOptions,
  type AuditProgress,
  type AuditResult,
  type HeadlineProperties,
  type ModelSummary,
} from './types.ts';

export * from './types.ts';
export * from './protocols.ts';
export type { RecordRequest, RecordSampler } from './pools.ts';

const TRAIN_TASK_MODULE = moduleUrl('../models/train-task.ts', import.meta.url);

/** A shadow whose test accuracy trails the target's by more than this gets a warning in the result. */
const WEAK_SHADOW_MARGIN = 0.05;

/**
 * A target whose test accuracy exceeds the majority-class rate of its held-out
 * records by at most this gets a warning in the result. On 2,500 held-out
 * records an accuracy near 0.75 has a standard error of about 0.009, so a
 * smaller gain is within noise.
 */
const TRIVIAL_TARGET_MARGIN = 0.01;

/**
 * Returns a warning when the target's test accuracy does not exceed the rate
 * of always predicting the majority class of its held-out records (`heldOut`,
 * table rows) by more than TRIVIAL_TARGET_MARGIN, else null. `learningRate` is
 * the ANN target's.
 */
function trivialTargetWarning(target: ModelSummary, dataset: Dataset, heldOut: Int32Array, protocol: AuditProtocol, learningRate: number): string | null {
  const positives = heldOut.reduce((sum, row) => sum + dataset.y[row], 0);
  const majority = 2 * positives > heldOut.length ? 1 : 0;
  const majorityRate = Math.max(positives, heldOut.length - positives) / heldOut.length;
  if (target.testAccuracy > majorityRate + TRIVIAL_TARGET_MARGIN) return null;
  const remedies =
    target.model === 'ann'
      ? ['more epochs (--epochs)', `a higher learning rate (now ${learningRate}; e.g. --set ann.learningRate=${Number((100 * learningRate).toPrecision(2))})`]
      : [`weaker regularisation or a larger model (--set ${target.model}.NAME=VALUE)`];
  if (protocol === 'paper') remedies.push('the sound protocol (--protocol sound), whose ANN trains with momentum');
  return (
    `the target (${target.model}) reaches test accuracy ${target.testAccuracy.toFixed(4)}, no better than the ${majorityRate.toFixed(4)} of always ` +
    `predicting the majority class ${JSON.stringify(dataset.classNames[majority])} on its held-out records (it must beat that by more than ${TRIVIAL_TARGET_MARGIN}); ` +
    `it has learned little from the features, so the attack results say little about a model that has. Train it with ${remedies.join(', or ')}`
  );
}

function take(y: Labels, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (i) => y[i]);
}

function concatRows(parts: Matrix[]): Matrix {
  const out = new Matrix(
    parts.reduce((sum, part) => sum + part.rows, 0),
    parts[0].cols,
  );
  let offset = 0;
  for (const part of parts) {
    out.data.set(part.data, offset);
    offset += part.data.length;
  }
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

function checkModelName(name: string, option: string): ModelName {
  if (!isModelName(name)) {
    const choices = option === '--shadow' ? [...MODEL_NAMES, 'all'] : MODEL_NAMES;
    throw new MiascopeError(`${option} ${JSON.stringify(name)} is invalid; choose one of ${choices.join(', ')}`);
  }
  return name;
}

/** Lists the families of the shadow models: `count` of one family, or one of each for 'all'. */
function shadowFamilies(shadowModel: ModelName | 'all', count: number): ModelName[] {
  if (shadowModel === 'all') {
    if (count !== 1) {
      throw new MiascopeError(`--shadows ${count} does not apply to --shadow all, which trains one shadow of each family; drop --shadows or name one family`);
    }
    return [...MODEL_NAMES];
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new MiascopeError(`shadow model count ${count} is invalid; give a whole number ≥ 1 with --shadows`);
  }
  return Array.from({ length: count }, () => checkModelName(shadowModel, '--shadow'));
}

/** Drops the keys of `options` whose value is undefined, so that they fall back to the defaults instead of erasing them. */
function definedOptions(options: Partial<AuditOptions>): Partial<AuditOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<AuditOptions>;
}

/** Restricts a dataset to the named feature columns, kept in table order. */
function selectFeatures(dataset: Dataset, names: string[] | undefined): Dataset {
  if (names === undefined) return dataset;
  const available = dataset.features.columns.map((column) => column.name);
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new MiascopeError(
      `feature subset ${JSON.stringify(names)} is invalid: ${unknown.length > 0 ? `${unknown.join(', ')} not found` : 'it is empty'}; ` +
        `choose one or more of ${available.join(', ')}`,
    );
  }
  const columns = dataset.features.columns.filter((column) => names.includes(column.name));
  return { ...dataset, features: { columns, rows: dataset.features.rows } };
}

/** Draws the target pool and each shadow model's records as the protocol splits them. */
function drawAuditPools(
  dataset: Dataset,
  config: AuditOptions,
  settings: ProtocolSettings,
  targetSize: number,
  shadowSize: number,
  shadowCount: number,
  rng: Rng,
): { pools: Pools; shadowSplits: ShadowSplit[] } {
  if (settings.targetSplit === 'split-pool') {
    const pools = drawSplitPools(dataset, targetSize, shadowSize, config.memberRate, config.sampleTarget, rng.fork('pools'));
    const shadowSplits = Array.from({ length: shadowCount }, (_, s) =>
      drawSplitShadow(dataset, pools, shadowSize, settings.shadowMemberShare, config.sampleShadow, rng.fork(`shadow-${s}`)),
    );
    return { pools, shadowSplits };
  }
  const pools =
    config.sampleTarget === undefined
      ? drawPools(dataset, targetSize, shadowSize, rng.fork('pools'))
      : drawSampledPools(dataset, targetSize, shadowSize, config.sampleTarget, rng.fork('pools'));
  const shadowSplits = Array.from({ length: shadowCount }, (_, s) =>
    config.sampleShadow === undefined
      ? drawShadowSplit(pools, shadowSize, rng.fork(`shadow-${s}`))
      : drawSampledShadowSplit(dataset, pools, shadowSize, config.sampleShadow, rng.fork(`shadow-${s}`)),
  );
  return { pools, shadowSplits };
}

/** Picks the headline forms of the fairness and information properties: the sound ones or the paper ones. */
function headlineProperties(properties: ModelProperties, protocol: AuditProtocol): HeadlineProperties {
  // Both protocols share the one indistinguishability form.
  const forms = protocol === 'paper' ? properties.paper : properties;
  return {
    groupFairness: forms.groupFairness,
    predictiveFairness: forms.predictiveFairness,
    individualFairness: forms.individualFairness,
    indistinguishability: properties.indistinguishability,
    information: forms.information,
  };
}

/**
 * Runs one membership inference audit under the `sound` protocol (default)
 * or the `paper` protocol. It trains a target model on target members, shadow
 * models on records disjoint from the target's, and the attack model(s) on the
 * shadows' posteriors. Then it measures the shadow-model attack and the
 * threshold attacks on the target's members and held-out non-members.
 */
export async function runAudit(options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const given = definedOptions(options);
  const protocol = given.protocol ?? 'sound';
  if (!AUDIT_PROTOCOLS.includes(protocol)) {
    throw new MiascopeError(`protocol ${JSON.stringify(protocol)} is invalid; choose one of ${AUDIT_PROTOCOLS.join(', ')} with --protocol`);
  }
  const settings = PROTOCOL_SETTINGS[protocol];
  const config: AuditOptions = { ...AUDIT_DEFAULTS, memberRate: settings.memberRate, ...given, protocol };
  if (!(config.memberRate > 0 && config.memberRate < 1)) {
    throw new MiascopeError(`member rate ${config.memberRate} is invalid; give a share strictly between 0 and 1 with --member-rate (0.5 is balanced)`);
  }
  const targetModel = checkModelName(config.targetModel, '--target');
  const shadowModel = config.shadowModel === 'all' ? 'all' : checkModelName(config.shadowModel ?? targetModel, '--shadow');
  const families = shadowFamilies(shadowModel, config.shadows);
  const threads = config.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new MiascopeError(`thread count ${threads} is invalid; give a whole number ≥ 1 with --threads`);
  }

  // Workers start now, so that their start-up overlaps with loading the data; every stage reuses them.
  const pool = threads > 1 ? await WorkerPool.start(threads, [TRAIN_TASK_MODULE]) : undefined;
  try {
    return await audit(config, protocol, settings, targetModel, shadowModel, families, threads, pool);
  } finally {
    await pool?.close();
  }
}

async function audit(
  config: AuditOptions,
  protocol: AuditProtocol,
  settings: ProtocolSettings,
  targetModel: ModelName,
  shadowModel: ModelName | 'all',
  families: ModelName[],
  threads: number,
  pool: WorkerPool | undefined,
): Promise<AuditResult> {
  const started = performance.now();
  const seconds = (from: number): number => (performance.now() - from) / 1000;

  // Step 1: data, the target pool and the shadow pool.
  const dataset = selectFeatures(config.data ?? loadDataset(config.dataset, config.datasetOptions), config.features);
  const loadSeconds = seconds(started);
  const fallbackSize = Math.min(DEFAULT_TRAINING_SIZE, Math.floor(dataset.features.rows / 4));
  const targetSize = checkSize('target size', '--target-size', config.targetSize, fallbackSize);
  const shadowSize = checkSize('shadow size', '--shadow-size', config.shadowSize, fallbackSize);
  const rng = new Rng(config.seed);
  const { pools, shadowSplits } = drawAuditPools(dataset, config, settings, targetSize, shadowSize, families.length, rng);
  requireBothClasses(dataset, pools.targetMembers, 'target', '--target-size');
  shadowSplits.forEach((split) => requireBothClasses(dataset, split.members, 'shadow', '--shadow-size'));
  // A default protected attribute that a feature subset left out gives no fairness values, but a named one must exist.
  const defaultProtected = defaultProtectedAttribute(dataset.name, dataset.features);
  const protectedSpec =
    config.protected ?? (defaultProtected !== null && dataset.features.columns.some((column) => column.name === defaultProtected) ? defaultProtected : null);
  const groups: ProtectedGroups | null = protectedSpec === null ? null : resolveProtectedAttribute(dataset.features, protectedSpec);
  const propertyOptions = checkPropertyOptions({ ...MODEL_PROPERTY_DEFAULTS, ...config.properties });

  // Option errors surface here, before any worker starts.
  // The protocol's values come first, and explicitly given options override them.
  const annOptions: AnnOptions = { ...ANN_DEFAULTS, ...settings.ann, ...config.familyOptions?.ann, ...config.model };
  const shadowAnnOptions: AnnOptions = {
    ...ANN_DEFAULTS,
    ...settings.ann,
    ...settings.shadowAnn,
    ...config.familyOptions?.ann,
    ...config.model,
    ...config.shadowAnn,
  };
  for (const name of Object.keys(config.familyOptions ?? {})) checkModelName(name, 'model family');
  // Options of families this audit does not train are checked as well, so that a misspelt or invalid one is never ignored.
  for (const [name, given] of Object.entries(config.familyOptions ?? {})) createModel(name, given ?? {});
  const givenFamilyOptions = Object.fromEntries(
    MODEL_NAMES.filter((family) => family !== 'ann' && (settings.families[family] ?? config.familyOptions?.[family]) !== undefined).map((family) => [
      family,
      { ...settings.families[family], ...config.familyOptions?.[family] },
    ]),
  );
  const recordedFamilyOptions = { ...givenFamilyOptions, ...(config.familyOptions?.ann === undefined ? {} : { ann: config.familyOptions.ann }) };
  const familyOptions = (family: ModelName, seed: string, role: 'target' | 'shadow' = 'target'): Record<string, unknown> =>
    family === 'ann' ? { ...(role === 'shadow' ? shadowAnnOptions : annOptions), seed } : { ...givenFamilyOptions[family], seed };
  createModel(targetModel, familyOptions(targetModel, 'check'));
  for (const family of new Set(families)) createModel(family, familyOptions(family, 'check', 'shadow'));
  const attackOptions: AttackModelOptions = {
    model: 'ann',
    perClass: true,
    includeLabel: false,
    minSteps: settings.attackMinSteps,
    ...config.attack,
    ann: { ...ATTACK_ANN_DEFAULTS, ...settings.attackAnn, ...config.attack.ann },
    seed: `${config.seed}/attack`,
    threads,
    pool,
  };
  checkModelName(attackOptions.model, '--attack-model');
  createModel('ann', attackOptions.ann);
  const attackMinSteps = attackOptions.minSteps ?? ATTACK_MIN_STEPS;
  if (!Number.isInteger(attackMinSteps) || attackMinSteps < 0) {
    throw new MiascopeError(`attack minimum steps ${attackMinSteps} is invalid; give a whole number ≥ 0 (0 keeps the configured epochs)`);
  }
  // Under the `paper` protocol one min-max scaling, fit on the whole table, encodes every model's input.
  const encoderFor = protocolEncoders(dataset.features, settings.scaling);
  // A defence's fairness groups are the protocol's, as for the fairness properties.
  const defense =
    config.defense === undefined
      ? null
      : resolveAuditDefense(config.defense, targetModel, settings.properties === 'paper' ? paperFeatureBalanceGroup(dataset.features) : groups?.membership ?? null);

  // Labels are binary, so there are two per-class attack models or one shared one.
  const modelFractions = new Map<string, number>();
  const totalModels = 1 + families.length + (attackOptions.perClass ? 2 : 1);
  const reportProgress = (stage: AuditProgress['stage'], model: string, fraction: number, loss: number) => {
    modelFractions.set(model, fraction);
    const completed = [...modelFractions.values()].reduce((sum, value) => sum + value, 0);
    config.onProgress?.({ stage, completed, total: totalModels, loss });
  };

  // The membership I_X models train alongside steps 2-4; step 5 waits for them.
  const membershipRun = measureMembershipInformation(
    dataset,
    pools,
    targetModel,
    familyOptions(targetModel, 'membership'),
    propertyOptions,
    config.seed,
    rng.fork('membership-information'),
    encoderFor,
  );
  // Keeps a failure from being reported as unhandled while an earlier step is still awaited; step 5 rethrows it.
  membershipRun.catch(() => undefined);

  // Step 2: the target and the shadow models, trained in parallel. Under `sound` each has an encoder fit on its own training rows.
  const trainingStarted = performance.now();
  const jobs = [
    { stage: 'target' as const, family: targetModel, members: pools.targetMembers, nonMembers: pools.targetNonMembers, seed: `${config.seed}/target` },
    ...shadowSplits.map((split, s) => ({
      stage: 'shadow' as const,
      family: families[s],
      members: split.members,
      nonMembers: split.nonMembers,
      seed: s === 0 ? `${config.seed}/shadow` : `${config.seed}/shadow-${s}`,
    })),
  ];
  const encoders: Encoder[] = jobs.map((job) => encoderFor(job.members));
  // The ANN target and shadows train on the backend chosen for the target's network. WebGPU tasks run on this thread.
  const backend = jobs.some((job) => job.family === 'ann')
    ? await resolveBackendChoice(
        config.backend ?? 'auto',
        annStepFlops(encoders[0].featureNames.length, annOptions.hiddenLayers, 2, Math.min(annOptions.batchSize, pools.targetMembers.length)),
        config.onLog,
      )
    : undefined;
  const tasks = jobs.map((job, j) => ({
    module: TRAIN_TASK_MODULE,
    name: 'trainAndScore',
    args: [
      job.family,
      encoders[j].transform(dataset.features, job.members),
      take(dataset.y, job.members),
      encoders[j].transform(dataset.features, job.nonMembers),
      take(dataset.y, job.nonMembers),
      familyOptions(job.family, job.seed, job.stage),
    ],
  }));
  // Under a defence the ANN target (and shadows) train with the regulariser instead, on the same backend.
  const trainingTasks = defense === null ? tasks : tasks.map((task, j) => defendedTask(defense, jobs[j], task, dataset.features, backend) ?? task);
  const backendTasks = trainingTasks.map((task, j) =>
    backend === 'webgpu' && jobs[j].family === 'ann' && task.name === 'trainAndScore'
      ? { ...task, args: [...task.args.slice(0, 5), { ...(task.args[5] as object), backend }], mainThread: true }
      : task,
  );
  const trained = await runTasks<TrainedModel>(backendTasks, {
    threads,
    pool,
    onReport: (j, p) => {
      const progress = p as FitProgress;
      reportProgress(jobs[j].stage, `model-${j}`, progress.epoch / progress.epochs, progress.loss);
    },
  });
  jobs.forEach((job, j) => reportProgress(job.stage, `model-${j}`, 1, trained[j].lossHistory.at(-1) ?? NaN));
  const trainingSeconds = seconds(trainingStarted);
  const [target, ...shadows] = trained;
  const summaries: ModelSummary[] = jobs.map((job, j) => ({
    model: job.family,
    trainRecords: job.members.length,
    testRecords: job.nonMembers.length,
    trainAccuracy: trained[j].trainAccuracy,
    testAccuracy: trained[j].testAccuracy,
    epochs: trained[j].lossHistory.length > 0 ? trained[j].lossHistory.length : null,
    finalLoss: trained[j].lossHistory.at(-1) ?? null,
  }));
  const warnings = summaries.slice(1).flatMap((shadow, s) =>
    shadow.testAccuracy < summaries[0].testAccuracy - WEAK_SHADOW_MARGIN
      ? [
          `${summaries.length === 2 ? 'the shadow' : `shadow ${s + 1}`} (${shadow.model}) reaches test accuracy ${shadow.testAccuracy.toFixed(4)} against the target's ${summaries[0].testAccuracy.toFixed(4)}; ` +
            `a shadow far weaker than the target weakens the attack`,
        ]
      : [],
  );
  const trivialTarget = trivialTargetWarning(summaries[0], dataset, pools.targetNonMembers, protocol, annOptions.learningRate);
  if (trivialTarget !== null) warnings.unshift(trivialTarget);

  // Step 3: attack examples from every shadow model, pooled, then the attack model(s).
  const attackStarted = performance.now();
  const shadowExamples = {
    posteriors: concatRows(shadows.flatMap((shadow) => [toMatrix(shadow.posteriorsMembers), toMatrix(shadow.posteriorsNonMembers)])),
    labels: Int32Array.from(shadowSplits.flatMap((split) => [...take(dataset.y, split.members), ...take(dataset.y, split.nonMembers)])),
    membership: Int32Array.from(shadowSplits.flatMap((split) => [...membershipOf(split.members.length, split.nonMembers.length)])),
  };
  const attackModel = new ShadowAttackModel(attackOptions);
  await attackModel.fit(shadowExamples, (group, _, p) => reportProgress('attack', `attack-${group}`, p.epoch / p.epochs, p.loss));

  // Step 4: the target's evaluation set at the member rate, scored by every attack.
  // The evaluation records are target members and non-members, whose posteriors step 2 already computed.
  const evaluation =
    settings.targetSplit === 'split-pool'
      ? { members: pools.targetMembers, nonMembers: pools.targetNonMembers }
      : evaluationRows(pools, config.memberRate, rng.fork('evaluation'));
  const targetExamples = {
    posteriors: concatRows([
      selectRows(toMatrix(target.posteriorsMembers), pools.targetMembers, evaluation.members),
      selectRows(toMatrix(target.posteriorsNonMembers), pools.targetNonMembers, evaluation.nonMembers),
    ]),
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
  const paperGroups = paperFeatureBalanceGroup(dataset.features);
  // The per-group attack splits records by the protocol's fairness groups.
  const groupOf = settings.properties === 'paper' ? paperGroups : groups?.membership;
  const evaluationGroups =
    groupOf === undefined ? null : Uint8Array.from([...evaluation.members, ...evaluation.nonMembers], (row) => groupOf[row]);
  // The paper-protocol I_X reads the first dense layer's weights, so it exists for an ANN target only.
  const firstLayer =
    targetModel === 'ann' ? (target.model.layers as Array<{ shape: [number, number]; weight: number[] }>)[0] : undefined;
  const modelProperties = measureModelProperties(
    {
      features: dataset.features,
      y: dataset.y,
      members: pools.targetMembers,
      nonMembers: pools.targetNonMembers,
      posteriorsMembers: toMatrix(target.posteriorsMembers),
      posteriorsNonMembers: toMatrix(target.posteriorsNonMembers),
      encodedMembers: encoders[0].transform(dataset.features, pools.targetMembers),
      firstLayer: firstLayer === undefined ? undefined : { weight: firstLayer.weight, shape: firstLayer.shape },
      groups,
      paperGroups,
      membershipInformation: await membershipRun,
      attackByGroup: evaluationGroups === null ? null : attackMetricsByGroup(scores, targetExamples.membership, evaluationGroups),
      rng: rng.fork('properties'),
    },
    propertyOptions,
  );
  const targetDataProperties = dataProperties(dataset, { rows: pools.targetMembers, bins: propertyOptions.bins });
  const propertiesSeconds = seconds(propertiesStarted);

  const result: Omit<AuditResult, 'reading'> = {
    tool: { name: 'miascope', version: packageVersion() },
    protocol,
    config: {
      dataset: config.dataset,
      label: dataset.labelColumn,
      positive: dataset.classNames[1],
      targetSize,
      shadowSize,
      memberRate: config.memberRate,
      seed: config.seed,
      targetModel,
      shadowModel,
      shadows: families.length,
      backend,
      model: withoutSeed(annOptions),
      shadowAnn: withoutSeed(shadowAnnOptions),
      scaling: settings.scaling,
      targetSplit: settings.targetSplit,
      sampled: { target: config.sampleTarget !== undefined, shadow: config.sampleShadow !== undefined },
      familyOptions: recordedFamilyOptions,
      attack: {
        model: attackOptions.model,
        perClass: attackOptions.perClass,
        includeLabel: attackOptions.includeLabel,
        ann: attackOptions.ann,
        minSteps: attackMinSteps,
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
    target: summaries[0],
    shadows: summaries.slice(1),
    warnings,
    evaluation: {
      members: evaluation.members.length,
      nonMembers: evaluation.nonMembers.length,
      memberRate: evaluation.members.length / (evaluation.members.length + evaluation.nonMembers.length),
      trivialAccuracy: attack.trivialAccuracy,
    },
    attack,
    metricAttacks,
    properties: { model: modelProperties, headline: headlineProperties(modelProperties, settings.properties), data: targetDataProperties },
    ...(defense === null ? {} : { defense: defenseSection(defense, trained) }),
    timing: {
      loadSeconds,
      trainingSeconds,
      attackSeconds,
      propertiesSeconds,
      totalSeconds: seconds(started),
    },
  };
  return { ...result, reading: readAudit(result) };
}
