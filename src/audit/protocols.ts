import { fitEncoder, type Encoder, type NumericEncoding } from '../data/encode.ts';
import type { Table } from '../data/table.ts';
import type { AnnOptions } from '../models/ann.ts';
import type { ModelName } from '../models/registry.ts';

/**
 * The two audit protocols. `sound` follows the definitions of Tonni et al.,
 * "Data and Model Dependencies of Membership Inference Attack" (2020), with
 * the choices miascope makes where the paper is vague. `paper` follows the
 * authors' published code where it differs from the paper's text. It scores a 75/25
 * member split in full, scales min-max over the whole table, trains tanh
 * networks by plain SGD with a five-unit attack network, and takes the
 * code's values for the other families.
 */
export type AuditProtocol = 'sound' | 'paper';

export const AUDIT_PROTOCOLS: readonly AuditProtocol[] = ['sound', 'paper'];

/** The settings a protocol decides; explicit audit options override each of them. */
export interface ProtocolSettings {
  /** Share of members in the target evaluation set. */
  memberRate: number;
  /**
   * Division of the target pool into members and non-members. `balanced-pool`
   * draws N members and N held-out records and scores a subset at the member
   * rate. `split-pool` splits a pool of N records at the member rate and
   * scores all of them.
   */
  targetSplit: 'balanced-pool' | 'split-pool';
  /** Share of each shadow pool used as the shadow model's members under `split-pool`; the split is stratified by label. */
  shadowMemberShare: number;
  /** Scaling of numeric features and ordinal codes, and the rows it is fit on. */
  scaling: { numeric: NumericEncoding; fitOn: 'training-rows' | 'whole-table' };
  /** ANN options of the target model, over ANN_DEFAULTS. */
  ann: Partial<AnnOptions>;
  /** ANN options of the shadow models, over `ann`. */
  shadowAnn: Partial<AnnOptions>;
  /** Options of the other families, over each family's defaults. */
  families: Partial<Record<ModelName, Record<string, unknown>>>;
  /** ANN options of the attack models, over ATTACK_ANN_DEFAULTS. */
  attackAnn: Partial<AnnOptions>;
  /** Minimum optimiser steps per attack model (see ATTACK_MIN_STEPS). 0 trains for exactly the configured epochs. */
  attackMinSteps: number | undefined;
  /** Forms of δ_g, δ_p, δ_i and I_X that the result headlines. */
  properties: AuditProtocol;
}

/**
 * The `paper` protocol's ANN: tanh hidden layers with Glorot initialisation
 * (Lasagne's default for dense layers), plain minibatch SGD without momentum,
 * lr 0.001, batch 500, 50 epochs, L2 λ = 1e-7.
 */
export const PAPER_ANN: Partial<AnnOptions> = {
  hiddenLayers: [50],
  activation: 'tanh',
  initializer: 'xavier',
  optimizer: 'sgd',
  momentum: 0,
  nesterov: false,
  learningRate: 0.001,
  batchSize: 500,
  epochs: 50,
  l2: 1e-7,
};

/**
 * The `paper` protocol's attack network per class: 5 tanh hidden units,
 * plain SGD with lr 1e-4, batch 500, 50 epochs. The protocol names no L2
 * penalty for it, so it keeps the target's λ = 1e-7.
 */
export const PAPER_ATTACK_ANN: Partial<AnnOptions> = {
  hiddenLayers: [5],
  activation: 'tanh',
  initializer: 'xavier',
  optimizer: 'sgd',
  momentum: 0,
  nesterov: false,
  learningRate: 1e-4,
  batchSize: 500,
  epochs: 50,
  l2: 1e-7,
};

export const PROTOCOL_SETTINGS: Record<AuditProtocol, ProtocolSettings> = {
  sound: {
    memberRate: 0.5,
    targetSplit: 'balanced-pool',
    shadowMemberShare: 0.5,
    scaling: { numeric: 'z-score', fitOn: 'training-rows' },
    ann: {},
    shadowAnn: {},
    families: {},
    attackAnn: {},
    attackMinSteps: undefined,
    properties: 'sound',
  },
  paper: {
    memberRate: 0.75,
    targetSplit: 'split-pool',
    shadowMemberShare: 0.75,
    scaling: { numeric: 'min-max', fitOn: 'whole-table' },
    ann: PAPER_ANN,
    // The shadow network is the target's, trained for fewer epochs on smaller batches.
    shadowAnn: { epochs: 10, batchSize: 100 },
    families: { lr: { C: 1 }, svm: { C: 1 }, knn: { k: 5 } },
    attackAnn: PAPER_ATTACK_ANN,
    attackMinSteps: 0,
    properties: 'paper',
  },
};

/**
 * Returns the function that builds the encoder of a model trained on
 * `trainRows`. Under `training-rows` scaling each call fits its own encoder
 * on its rows. Under `whole-table` scaling every call returns one encoder fit
 * on all rows of `features`, because the authors' code scales the table once.
 */
export function protocolEncoders(features: Table, scaling: ProtocolSettings['scaling']): (trainRows: Int32Array) => Encoder {
  if (scaling.fitOn === 'training-rows') return (trainRows) => fitEncoder(features, trainRows, { numeric: scaling.numeric });
  const shared = fitEncoder(
    features,
    Int32Array.from({ length: features.rows }, (_, i) => i),
    { numeric: scaling.numeric },
  );
  return () => shared;
}
