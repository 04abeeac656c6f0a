/**
 * Options of training with a regulariser as a defence against membership
 * inference, after Algorithm 1 of Tonni et al., "Data and Model Dependencies
 * of Membership Inference Attack" (2020).
 */

import { MiascopeError } from '../errors.ts';

/** Model properties that Algorithm 1 can use as the regulariser value r. */
export const PROPERTY_REGULARIZERS = ['group-fairness', 'predictive-fairness', 'individual-fairness', 'mutual-information'] as const;
export type PropertyRegularizer = (typeof PROPERTY_REGULARIZERS)[number];

/** `none`, the baselines L1 and L2, and the four property regularisers. */
export const REGULARIZERS = ['none', 'l1', 'l2', ...PROPERTY_REGULARIZERS] as const;
export type Regularizer = (typeof REGULARIZERS)[number];

/**
 * `paper`: r is measured on predicted labels once per epoch and held constant
 * in the gradient, as Algorithm 1 writes it. `smooth`: r is measured on
 * predicted probabilities at every step, so its own gradient reaches the
 * weights.
 */
export const VARIANTS = ['paper', 'smooth'] as const;
export type Variant = (typeof VARIANTS)[number];

/** Symbols of the properties as the paper writes them, for tables and messages. */
export const PROPERTY_SYMBOLS: Record<PropertyRegularizer, string> = {
  'group-fairness': 'δ_g',
  'predictive-fairness': 'δ_p',
  'individual-fairness': 'δ_i',
  'mutual-information': 'I_X',
};

export interface DefenseOptions {
  /** Regulariser added to the loss. Default 'group-fairness'. */
  regularizer: Regularizer;
  /**
   * Weight λ of the penalty: λ·Σ_j|θ_j·r| for a property, λ·Σ_j|θ_j| for L1,
   * λ·Σ_j θ_j² for L2, summed over the weights of every dense layer (not the
   * biases). Default: `defaultLambda` of the regulariser and variant.
   */
  lambda: number;
  /** Variant of the property measurement, see VARIANTS. Default 'paper'. */
  variant: Variant;
  /** l, the draws per measurement of r. The measured r is the largest of their values. Default 5 (the paper's). */
  draws: number;
  /** m, the training records per draw. Default 200, the ANN's minibatch size. */
  drawSize: number;
  /**
   * Property recorded once per epoch, and the one in the penalty for a
   * property regulariser. Default: the regulariser itself, or
   * 'group-fairness' for none, L1 and L2.
   */
  monitor?: PropertyRegularizer;
  /** Record pairs per draw for δ_i by the `paper` variant. Default 10,000. The `smooth` variant pairs each record of a draw with one other. */
  pairs: number;
  /** Equal-frequency bins of numeric features for I_X. Default 10. */
  bins: number;
}

/**
 * λ when none is given. A sweep on Adult (10,000 training records, the
 * default ANN for 50 epochs, one seed) chose, per regulariser, the λ with the
 * lowest final δ_g (largest of 5 draws of 200 records). Test accuracy had to
 * stay within one point of the unregularised network's 0.825.
 * - property regulariser, `paper` variant, over 0.001, 0.01, 0.02, 0.03, 0.05,
 *   0.1 and 1: λ = 0.05 took δ_g from 0.28 to 0.17 at test accuracy 0.816
 *   (λ = 0.1: 0.805);
 * - `smooth` variant, over 0.001, 0.01 and 0.1: λ = 0.001 took δ_g to 0.13 at
 *   0.816 (λ = 0.01: 0.795). The soft r's own gradient λ·Σ_j|θ_j|·∇r
 *   outweighs λ·r·sign(θ), hence the smaller value;
 * - L1, over 0.0001 to 0.02: λ = 0.01 gave δ_g 0.17 at 0.818 (λ = 0.02: 0.766);
 * - L2, over 0.0001 to 0.3: λ = 0.03 gave δ_g 0.17 at 0.818 (λ = 0.1: 0.758).
 */
export const DEFAULT_LAMBDA = { property: { paper: 0.05, smooth: 0.001 } as Record<Variant, number>, l1: 0.01, l2: 0.03 };

/** Returns the λ used when none is given: DEFAULT_LAMBDA's value for the regulariser and variant, and 0 for none. */
export function defaultLambda(regularizer: Regularizer, variant: Variant): number {
  if (regularizer === 'none') return 0;
  if (regularizer === 'l1' || regularizer === 'l2') return DEFAULT_LAMBDA[regularizer];
  return DEFAULT_LAMBDA.property[variant];
}

export const DEFENSE_DEFAULTS: Omit<DefenseOptions, 'lambda'> = {
  regularizer: 'group-fairness',
  variant: 'paper',
  draws: 5,
  drawSize: 200,
  pairs: 10_000,
  bins: 10,
};

/** Returns the property a run records and, for a property regulariser, penalises. */
export function monitoredProperty(options: Pick<DefenseOptions, 'regularizer' | 'monitor'>): PropertyRegularizer {
  const { regularizer, monitor } = options;
  if ((PROPERTY_REGULARIZERS as readonly string[]).includes(regularizer)) {
    if (monitor !== undefined && monitor !== regularizer) {
      throw new MiascopeError(`defence: monitor ${monitor} differs from the regulariser ${regularizer}; a property regulariser records its own property, so drop monitor`);
    }
    return regularizer as PropertyRegularizer;
  }
  return monitor ?? 'group-fairness';
}

function wholeNumber(value: number, minimum: number): boolean {
  return Number.isInteger(value) && value >= minimum;
}

/** Fills defaults and checks every option. An invalid value raises a MiascopeError naming it and the accepted set. */
export function resolveDefenseOptions(options: Partial<DefenseOptions>): DefenseOptions {
  const definedOptions = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<DefenseOptions>;
  const variant = definedOptions.variant ?? DEFENSE_DEFAULTS.variant;
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new MiascopeError(`variant ${JSON.stringify(variant)} is invalid; choose one of ${VARIANTS.join(', ')}`);
  }
  const regularizer = definedOptions.regularizer ?? DEFENSE_DEFAULTS.regularizer;
  if (!(REGULARIZERS as readonly string[]).includes(regularizer)) {
    throw new MiascopeError(`regulariser ${JSON.stringify(regularizer)} is invalid; choose one of ${REGULARIZERS.join(', ')}`);
  }
  const resolved: DefenseOptions = { ...DEFENSE_DEFAULTS, lambda: defaultLambda(regularizer, variant), ...definedOptions };
  const { lambda, draws, drawSize, pairs, bins, monitor } = resolved;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new MiascopeError(`regularisation weight λ = ${lambda} is invalid; give a finite number ≥ 0 with --lambda`);
  }
  if (monitor !== undefined && !(PROPERTY_REGULARIZERS as readonly string[]).includes(monitor)) {
    throw new MiascopeError(`monitored property ${JSON.stringify(monitor)} is invalid; choose one of ${PROPERTY_REGULARIZERS.join(', ')}`);
  }
  if (!wholeNumber(draws, 1)) throw new MiascopeError(`draws l = ${draws} is invalid; give a whole number ≥ 1`);
  if (!wholeNumber(drawSize, 2)) throw new MiascopeError(`draw size m = ${drawSize} is invalid; give a whole number of records ≥ 2`);
  if (!wholeNumber(pairs, 1)) throw new MiascopeError(`individual fairness pairs ${pairs} is invalid; give a whole number ≥ 1`);
  if (!wholeNumber(bins, 2)) throw new MiascopeError(`bin count ${bins} is invalid; give a whole number ≥ 2`);
  monitoredProperty(resolved);
  return resolved;
}
