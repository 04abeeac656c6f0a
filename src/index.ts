export * from '../engine/index.ts';
export { MiascopeError } from './errors.ts';
export { runAudit, AUDIT_DEFAULTS, type AuditOptions, type AuditResult, type AuditProgress } from './audit/audit.ts';
export { AUDIT_PROTOCOLS, PROTOCOL_SETTINGS, type AuditProtocol, type ProtocolSettings } from './audit/protocols.ts';
export type { RecordRequest, RecordSampler } from './audit/pools.ts';
export * from './data/index.ts';
export * from './properties/data.ts';
export { DEFAULT_BINS, discretize, type DiscreteColumn, type DiscreteTable } from './properties/discretize.ts';
export { AnnClassifier, ANN_DEFAULTS, type AnnOptions } from './models/ann.ts';
export { accuracy, argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './models/classifier.ts';
export * from './attack/metrics.ts';
export * from './attack/metric-attacks.ts';
export { ShadowAttackModel, ATTACK_ANN_DEFAULTS, type AttackModelOptions, type AttackExamples } from './attack/shadow.ts';
export * from './stats/index.ts';
export { measureModelProperties, MODEL_PROPERTY_DEFAULTS, type ModelProperties, type ModelPropertyOptions, type PropertyValue } from './properties/model.ts';
export * from './properties/fairness.ts';
export { indistinguishabilityDeviation } from './properties/indistinguishability.ts';
export * from './properties/model-information.ts';
export { kraskovMutualInformation, meanKraskovMutualInformation, KRASKOV_NEIGHBOURS } from './properties/kraskov.ts';
export { resolveProtectedAttribute, defaultProtectedAttribute, type ProtectedGroups } from './properties/protected.ts';
export { attackMetricsByGroup, type GroupAttackMetrics } from './attack/subgroups.ts';
export * from './attack/intervals.ts';
export { scoreHistogram, SCORE_HISTOGRAM_BINS, type ScoreHistogram } from './attack/histogram.ts';
export { renderAuditReport } from './report/html.ts';
export { readAudit, readAttackAuc, readTrivialAccuracy, noLeakageAucMargin } from './report/reading.ts';
export { createModel, modelFromJSON, describeModel, isModelName, MODEL_NAMES, type ModelName } from './models/registry.ts';
export { LogisticRegression } from './models/lr.ts';
export { SvmClassifier } from './models/svm.ts';
export { RandomForestClassifier } from './models/rf.ts';
export { KnnClassifier } from './models/knn.ts';
export { trainWithRegularizer, type DefenseRecord, type RegularizedTraining, type RegularizedTrainingOptions } from './defense/train.ts';
export {
  DEFAULT_LAMBDA,
  DEFENSE_DEFAULTS,
  defaultLambda,
  PROPERTY_REGULARIZERS,
  REGULARIZERS,
  VARIANTS,
  resolveDefenseOptions,
  type DefenseOptions,
  type PropertyRegularizer,
  type Regularizer,
  type Variant,
} from './defense/options.ts';
export { maxDecrease, penaltyTerm } from './defense/penalty.ts';
export { takeTableRows, type TrainingRecords } from './defense/training-records.ts';
export type { AuditDefenseOptions, DefenseSection } from './defense/audit-defense.ts';
