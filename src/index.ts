export * from '../engine/index.ts';
export { MiascopeError } from './errors.ts';
export { runAudit, AUDIT_DEFAULTS, type AuditOptions, type AuditResult, type AuditProgress } from './audit/audit.ts';
export * from './data/index.ts';
export { AnnClassifier, ANN_DEFAULTS, type AnnOptions } from './models/ann.ts';
export { accuracy, argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './models/classifier.ts';
export * from './attack/metrics.ts';
export * from './attack/metric-attacks.ts';
export { ShadowAttackModel, ATTACK_ANN_DEFAULTS, type AttackModelOptions, type AttackExamples } from './attack/shadow.ts';
