import type { AttackModelOptions } from '../attack/shadow.ts';
import type { AttackMetrics } from '../attack/metrics.ts';
import type { MetricAttackKind, MetricAttackResult } from '../attack/metric-attacks.ts';
import type { DatasetOptions } from '../data/datasets.ts';
import type { AnnOptions } from '../models/ann.ts';
import type { ModelName } from '../models/registry.ts';
import type { ModelProperties, ModelPropertyOptions } from '../properties/model.ts';

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
  /** Family of the target model. Default 'ann'. */
  targetModel: ModelName;
  /** Family of the shadow models, or 'all' for one shadow of each family. Default: the target's family. */
  shadowModel?: ModelName | 'all';
  /** Shadow models of the chosen family (ignored for 'all'). They may overlap each other, never the target pool. Default 1. */
  shadows: number;
  /**
   * Options of every ANN among the target and shadow models; defaults from
   * Table 1 of Tonni et al., "Data and Model Dependencies of Membership
   * Inference Attack" (2020). Other families train with their defaults.
   */
  model: Partial<AnnOptions>;
  /** Options of any family by name, e.g. `{ knn: { k: 1 } }`; `model` wins for the ANN. Unset families use their defaults. */
  familyOptions?: Partial<Record<ModelName, Record<string, unknown>>>;
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
  targetModel: 'ann',
  shadows: 1,
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
  model: ModelName;
  trainRecords: number;
  testRecords: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Epochs or iterations of an iterative fit; null for models fit in one pass (kNN, random forest). */
  epochs: number | null;
  /** Final training loss of an iterative fit, natural log; null otherwise. */
  finalLoss: number | null;
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
    targetModel: ModelName;
    shadowModel: ModelName | 'all';
    shadows: number;
    /** Options of the ANNs among the target and shadow models; their seeds derive from the audit's seed. */
    model: Omit<AnnOptions, 'seed'>;
    /** Options given for the other families; unlisted ones took their defaults. */
    familyOptions: Partial<Record<ModelName, Record<string, unknown>>>;
    attack: Omit<AttackModelOptions, 'threads'> & { minSteps: number };
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
  /** One entry per shadow model, in training order. */
  shadows: ModelSummary[];
  /** Conditions that weaken the audit, such as a shadow model far weaker than the target. */
  warnings: string[];
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
