import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, featureBalanceSampler, numberSetting, trialDataset } from './trial.ts';

/**
 * Figure 5 of Tonni et al. (2020): target records drawn with a share of
 * `featureBalance` % in the feature-balance group, at the data's own class
 * balance (below 50% on Adult). The shadow records are a uniform draw. On
 * Adult only 0.61% of records carry c* (sound protocol), so 12.5% of 2,000
 * sampled records is close to all of them, and larger sizes need Texas or
 * Purchase.
 */
const points = (balances: number[]) => balances.map((featureBalance) => ({ featureBalance }));

function run(input: TrialInput) {
  const sampler = featureBalanceSampler(trialDataset(input), numberSetting(input, 'featureBalance'), input.protocol);
  return auditTrialOutput(input, { sampleTarget: sampler });
}

const fig5FeatureBalance: ExperimentSpec = {
  id: 'fig5-feature-balance',
  title: 'Figure 5: attack accuracy against the feature balance',
  claim: 'A more imbalanced feature distribution raises the lower bound of MIA accuracy.',
  profiles: {
    quick: { points: points([1, 5, 10]), trials: 3, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: {
      points: points([1, 2.5, 5, 7.5, 10, 12.5]),
      trials: 100,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 1000, shadowSize: 1000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: [...ATTACK_METRICS, 'featureBalancePercent', 'classBalancePercent'],
  view: { kind: 'scatter', x: 'featureBalancePercent' },
  run,
  // The sampled data distribution moves the achievable accuracy (at a 10% class balance, always predicting class 0 scores 90%), so accuracies are not comparable across points.
  prune: false,
};

export default fig5FeatureBalance;
