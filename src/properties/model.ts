/**
 * Model properties of one trained target model, as an audit reports them:
 * fairness towards a protected attribute, deviation from
 * MIA-indistinguishability and the information the model retains about its
 * training records. Each value names its estimator and its protocol, `sound`
 * (miascope's default definitions) or `paper` (as the authors' code computes
 * it).
 */

import type { Labels, Matrix } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import type { GroupAttackMetrics } from '../attack/subgroups.ts';
import type { Table } from '../data/table.ts';
import { argmaxRows } from '../models/classifier.ts';
import { DEFAULT_BINS, discretize } from './discretize.ts';
import {
  DEFAULT_FAIRNESS_PAIRS,
  equalOpportunityFairness,
  groupFairness,
  individualFairness,
  paperIndividualFairness,
  precisionFairness,
} from './fairness.ts';
import { indistinguishabilityDeviation } from './indistinguishability.ts';
import { KRASKOV_NEIGHBOURS } from './kraskov.ts';
import { kraskovInformation, largestFirstLayerWeights, predictiveInformation } from './model-information.ts';
import type { ProtectedGroups } from './protected.ts';

/** One measured property. */
export interface PropertyValue {
  value: number;
  /** Name of the estimator, e.g. `equal-opportunity` or `kraskov`. */
  estimator: string;
  protocol: 'sound' | 'paper';
  /** `bits`, `nats`, or `share` for a probability or a distance in [0, 1]. */
  unit: 'bits' | 'nats' | 'share';
}

export interface ModelPropertyOptions {
  /** Record pairs for δ_i. Default 10,000. */
  fairnessPairs: number;
  /** Equal-frequency bins for numeric features (predictive I_X) and losses (membership I_X). Default 10. */
  bins: number;
  /** Models retrained for the membership I_X; 0 skips it. Default 4. */
  membershipRepeats: number;
  /** Most pool records those models are trained on (halves of the pool). Default 1,000. */
  membershipPoolSize: number;
}

export const MODEL_PROPERTY_DEFAULTS: ModelPropertyOptions = {
  fairnessPairs: DEFAULT_FAIRNESS_PAIRS,
  bins: DEFAULT_BINS,
  membershipRepeats: 4,
  membershipPoolSize: 1_000,
};

/** The membership I_X with what it cost. */
/**
 * The membership I_X with its no-leakage baseline: the estimator's value when
 * memberships are shuffled, which it reaches by its upward bias alone.
 */
export type MembershipInformationValue = PropertyValue & { repeats: number; poolRecords: number; bins: number; noLeakageBaseline: number };

export interface ModelProperties {
  /** Groups g0 and g1 of the fairness values; null when the data has no protected attribute, and then every fairness value is null. */
  protectedAttribute: { column: string; g0: string; g1: string; trainingRecords: [g0: number, g1: number] } | null;
  /** δ_g, demographic parity gap on the training records. */
  groupFairness: PropertyValue | null;
  /** δ_p, equal opportunity gap on the training records. */
  predictiveFairness: PropertyValue | null;
  /** δ_i over sampled pairs of training records. */
  individualFairness: (PropertyValue & { pairs: number }) | null;
  /** δ_mi from the predicted labels of members and held-out non-members. */
  indistinguishability: PropertyValue;
  /** I_X by the `predictive` estimator. */
  information: PropertyValue & { bins: number };
  /** I_X by the `membership` estimator; null when its repeats are 0. */
  membershipInformation: MembershipInformationValue | null;
  /**
   * The `paper` protocol's forms of δ_g, δ_p, δ_i and I_X. Its fairness
   * groups are the feature-balance group of `paperFeatureBalanceGroup` (g1)
   * and the rest (g0), not the protected attribute; a fairness value is null
   * when either group has no training record.
   */
  paper: {
    groups: { g1: string; trainingRecords: [number, number] };
    groupFairness: PropertyValue | null;
    predictiveFairness: PropertyValue | null;
    individualFairness: PropertyValue | null;
    information: (PropertyValue & { neighbours: number }) | null;
  };
  /** The shadow-model attack's AUC and TPR at 1% FPR within each group of the evaluation set. */
  attackByGroup: { g0: GroupAttackMetrics; g1: GroupAttackMetrics } | null;
}

/** Inputs of `measureModelProperties`: the target model's outputs and the records they belong to. */
export interface ModelPropertyInputs {
  /** The dataset's raw feature table; the row ids below index it. */
  features: Table;
  /** Labels, one per table row. */
  y: Labels;
  /** Table rows of the training records (members) and of held-out records (non-members). */
  members: ArrayLike<number>;
  nonMembers: ArrayLike<number>;
  /** The model's class probabilities on members and non-members, in the order of those rows. */
  posteriorsMembers: Matrix;
  posteriorsNonMembers: Matrix;
  /** The members as the model saw them (encoded), and the first dense layer's weights, [nFeatures × nHidden] row-major; without them the `paper` I_X is null. */
  encodedMembers?: Matrix;
  firstLayer?: { weight: ArrayLike<number>; shape: [number, number] };
  groups: ProtectedGroups | null;
  /** 1 for table rows in the `paper` protocol's feature-balance group (`paperFeatureBalanceGroup`), one per table row. */
  paperGroups: Uint8Array;
  /** The membership I_X, computed apart because it retrains models. */
  membershipInformation: MembershipInformationValue | null;
  attackByGroup: ModelProperties['attackByGroup'];
  rng: Rng;
}

const sound = (value: number, estimator: string, unit: PropertyValue['unit']): PropertyValue => ({ value, estimator, protocol: 'sound', unit });
const paper = (value: number, estimator: string, unit: PropertyValue['unit']): PropertyValue => ({ value, estimator, protocol: 'paper', unit });

/**
 * Measures every model property of a trained model except the membership
 * I_X, which `inputs` brings. Fairness and the predictive I_X are measured on
 * the training records, the records that the property regularisers of Tonni
 * et al. (Algorithm 1) also read. δ_mi compares members with non-members.
 */
export function measureModelProperties(inputs: ModelPropertyInputs, options: Partial<ModelPropertyOptions> = {}): ModelProperties {
  const settings = { ...MODEL_PROPERTY_DEFAULTS, ...options };
  const { features, members, groups } = inputs;
  const nClasses = inputs.posteriorsMembers.cols;
  const predicted = argmaxRows(inputs.posteriorsMembers);
  const actual = Int32Array.from(members, (row) => inputs.y[row]);

  const discrete = discretize(features, { bins: settings.bins, fitRows: members });
  const information = { ...sound(predictiveInformation(discrete, members, predicted, nClasses), 'predictive', 'bits'), bins: settings.bins };
  const indistinguishability = sound(
    indistinguishabilityDeviation(predicted, argmaxRows(inputs.posteriorsNonMembers), nClasses),
    'share-smoothed-log-ratio',
    'nats',
  );

  let paperInformation: ModelProperties['paper']['information'] = null;
  if (inputs.encodedMembers !== undefined && inputs.firstLayer !== undefined) {
    const [nFeatures, nHidden] = inputs.firstLayer.shape;
    const weights = largestFirstLayerWeights(inputs.firstLayer.weight, nFeatures, nHidden);
    if (nFeatures > KRASKOV_NEIGHBOURS) {
      const value = kraskovInformation(inputs.encodedMembers, weights, inputs.rng.fork('kraskov'));
      paperInformation = { ...paper(value, 'kraskov', 'nats'), neighbours: KRASKOV_NEIGHBOURS };
    }
  }

  const paperGroups = Uint8Array.from(members, (row) => inputs.paperGroups[row]);
  const inPaperGroup = paperGroups.reduce((sum, bit) => sum + bit, 0);
  const paperDefined = inPaperGroup > 0 && inPaperGroup < members.length;
  const paperValues: ModelProperties['paper'] = {
    groups: { g1: 'first five columns all ≤ 0.5 after min-max scaling', trainingRecords: [members.length - inPaperGroup, inPaperGroup] },
    groupFairness: paperDefined ? paper(groupFairness(predicted, paperGroups, nClasses), 'demographic-parity', 'share') : null,
    predictiveFairness: paperDefined ? paper(precisionFairness(predicted, actual, paperGroups, nClasses), 'precision-gap', 'share') : null,
    individualFairness: paperDefined ? paper(paperIndividualFairness(predicted, paperGroups, nClasses), 'group-share-gap', 'share') : null,
    information: paperInformation,
  };

  const common = {
    indistinguishability,
    information,
    membershipInformation: inputs.membershipInformation,
    attackByGroup: inputs.attackByGroup,
    paper: paperValues,
  };
  if (groups === null) {
    return { protectedAttribute: null, groupFairness: null, predictiveFairness: null, individualFairness: null, ...common };
  }

  const memberGroups = Uint8Array.from(members, (row) => groups.membership[row]);
  const inG1 = memberGroups.reduce((sum, bit) => sum + bit, 0);
  const individual = individualFairness(inputs.posteriorsMembers, features, members, {
    pairs: settings.fairnessPairs,
    rng: inputs.rng.fork('individual-fairness'),
  });
  return {
    protectedAttribute: { column: groups.column, g0: groups.g0, g1: groups.g1, trainingRecords: [members.length - inG1, inG1] },
    groupFairness: sound(groupFairness(predicted, memberGroups, nClasses), 'demographic-parity', 'share'),
    predictiveFairness: sound(equalOpportunityFairness(predicted, actual, memberGroups, nClasses), 'equal-opportunity', 'share'),
    individualFairness: { ...sound(individual.value, 'sampled-pairs-tv', 'share'), pairs: individual.pairs },
    ...common,
  };
}
