import type { ExperimentSpec } from './spec.ts';
import { pooledTrial } from './trial.ts';

/**
 * Table 4 of Tonni et al. (2020): Pearson's and Spearman's correlations, with
 * p-values, between pairs of data properties, model properties and attack
 * metrics, over the pooled trials of the class-balance, feature-balance,
 * entropy and fairness experiments. The runner's report computes them.
 */
const POOLS = ['fig4-class-balance', 'fig5-feature-balance', 'fig7-entropy', 'fig11-fairness'];

const table4Correlations: ExperimentSpec = {
  id: 'table4-correlations',
  title: 'Table 4: correlations between data properties, model properties and attack metrics',
  claim: 'Most pairs of properties are at least moderately correlated (|r| of 0.3 to 0.7), and data properties correlate with model properties.',
  profiles: {
    quick: { points: [], trials: 0, datasets: ['adult'], settings: {} },
    paper: { points: [], trials: 0, datasets: ['adult', 'purchase', 'texas'], settings: {} },
  },
  metrics: [
    'classBalancePercent',
    'featureBalancePercent',
    'entropyBits',
    'groupFairness',
    'predictiveFairness',
    'individualFairness',
    'indistinguishability',
    'attackAccuracy',
    'attackAuc',
    'attackAdvantage',
  ],
  view: { kind: 'correlations' },
  run: pooledTrial('table4-correlations', POOLS),
  pools: POOLS,
};

export default table4Correlations;
