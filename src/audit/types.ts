import type { AttackModelOptions } from '../attack/shadow.ts';
import type { AttackMetrics } from '../attack/metrics.ts';
import type { MetricAttackKind, MetricAttackResult } from '../attack/metric-attacks.ts';
import type { Dataset, DatasetOptions } from '../data/datasets.ts';
import type { AuditDefenseOptions, DefenseSection } from '../defense/audit-defense.ts';
import type { AnnOptions } from '../models/ann.ts';
import type { BackendChoice } from '../models/backend-choice.ts';
import type { BackendName } from '../../engine/backend/select.ts';
import type { ModelName } from '../models/registry.ts';
import type { DataProperties } from '../properties/data.ts';
import type { ModelProperties, ModelPropertyOptions, PropertyValue } from '../properties/model.ts';
import type { RecordSampler } from './pools.ts';
import type { AuditProtocol, ProtocolSettings } from './protocols.ts';

/** Size used for the target and the shadow training sets when none is given (capped by the data). */
export const DEFAULT_TRAINING_SIZE = 10_000;

export interface AuditOptions {
  /**
   * `sound` (default) or `paper`, the authors' published code. The protocol
   * sets the member rate, the feature scaling, the ANN, shadow and attack
   * settings, the other families' values and the headline property forms.
   * Explicit `memberRate`, `model`, `shadowAnn`, `familyOptions` and `attack`
   * values override its choices.
   */
  protocol?: AuditProtocol;
  /** `adult` or a CSV path. Default `adult`. */
  dataset: string;
  datasetOptions: DatasetOptions;
  /** The dataset already loaded; `dataset` then only names it in the result and `datasetOptions` is not read. */
  data?: Dataset;
  /** Feature columns given to the models and the properties, by name, in any order (table order is kept). Default all. */
  features?: string[];
  /**
   * Target records. Under `sound` these are the target's training records
   * (members), with as many held-out records. Under `paper` they are the
   * target pool, which the member rate splits into members and non-members.
   * Default min(10,000, rows / 4).
   */
  targetSize?: number;
  /** Shadow records, read like `targetSize` for each shadow model. Default min(10,000, rows / 4). */
  shadowSize?: number;
  /** Draws the target pool's records (e.g. with a chosen class balance); default a uniform draw. */
  sampleTarget?: RecordSampler;
  /** Draws each shadow model's records from the shadow pool; default a uniform draw. */
  sampleShadow?: RecordSampler;
  /** Share of members in the target evaluation set, in (0, 1). Default 0.5 under `sound`, 0.75 under `paper`. */
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
  /** ANN options of the shadow models only, over `model` (e.g. fewer epochs). Default none, except the `paper` protocol's 10 epochs of batch 100. */
  shadowAnn?: Partial<AnnOptions>;
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
  /**
   * Regulariser that the ANN target, and the ANN shadows unless `shadows` is
   * false, train with: none, L1, L2, or a fairness or information property as
   * in Algorithm 1 of Tonni et al. The result then has a `defense` section.
   * Default: no defence, and no `defense` section.
   */
  defense?: AuditDefenseOptions;
  /**
   * Backend that the ANN target and shadow models train on: 'cpu', 'webgpu',
   * or 'auto'. 'auto' picks WebGPU on a hardware GPU when a training step is
   * large enough to gain, else the CPU. Attack models and the membership I_X
   * models, which are small, train on the CPU. Default 'auto'.
   */
  backend?: BackendChoice;
  /** Receives one line naming the backend chosen and the adapter; the library itself prints nothing. */
  onLog?: (message: string) => void;
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

/**
 * The property values an audit reports first: the `sound` forms under the
 * sound protocol and the `paper` forms under the paper protocol. Each value
 * names its estimator and protocol; null where the form is undefined for the
 * model or the data.
 */
export interface HeadlineProperties {
  groupFairness: PropertyValue | null;
  predictiveFairness: PropertyValue | null;
  individualFairness: PropertyValue | null;
  indistinguishability: PropertyValue;
  information: PropertyValue | null;
}

export interface AuditResult {
  tool: { name: 'miascope'; version: string };
  protocol: AuditProtocol;
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
    /** The backend the ANN target and shadow models trained on; absent when none of them is an ANN. */
    backend?: BackendName;
    /** Options of an ANN target model; the seeds of all models derive from the audit's seed. */
    model: Omit<AnnOptions, 'seed'>;
    /** Options of ANN shadow models. */
    shadowAnn: Omit<AnnOptions, 'seed'>;
    /** Feature scaling: the encoding of numeric features and ordinal codes, and the rows it was fit on. */
    scaling: ProtocolSettings['scaling'];
    /** Split of the target pool into members and non-members (see ProtocolSettings). */
    targetSplit: ProtocolSettings['targetSplit'];
    /** Whether a record sampler drew the target pool and the shadow records. */
    sampled: { target: boolean; shadow: boolean };
    /** Options of the other families, the protocol's values with the given ones over them; unlisted ones took their defaults. */
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
  /**
   * Properties of the target model, each with its estimator and protocol, and
   * the data properties of its training records (members), on bins fit over
   * the whole table.
   */
  properties: { model: ModelProperties; headline: HeadlineProperties; data: DataProperties };
  /** The regulariser's settings and each defended model's property history and max diff; present when the audit had a defence. */
  defense?: DefenseSection;
  /**
   * Wall-clock seconds per stage; the only fields that differ between runs with the same seed.
   * `propertiesSeconds` counts the model properties measured after the attacks and the wait
   * for the membership I_X models, which train alongside the other stages.
   */
  timing: { loadSeconds: number; trainingSeconds: number; attackSeconds: number; propertiesSeconds: number; totalSeconds: number };
  /** The plain-language reading of the shadow-model attack, as the summary and the report print it (see `readAudit`). */
  reading: string[];
}
