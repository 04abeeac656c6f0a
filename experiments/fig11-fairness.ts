import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, classBalanceSampler, featureBalanceSampler, numberSetting, trialDataset } from './trial.ts';

/**
 * Figure 11 of Tonni et al. (2020): training sets drawn either at a class
 * balance or at a feature balance below 50%, so that the model's fairness
 * varies. No sampler controls both balances at once. The fairness values are
 * the protocol's headline forms. Shadow records follow the class balance, and
 * are a uniform draw for a feature balance as in fig5-feature-balance.
 */
const points = (classBalances: number[], featureBalances: number[]) => [
  ...classBalances.map((classBalance) => ({ balance: 'class', classBalance })),
  ...featureBalances.map((featureBalance) => ({ balance: 'feature', featureBalance })),
];

function run(input: TrialInput) {
  const dataset = trialDataset(input);
  if (input.point.balance === 'class') {
    const sampler = classBalanceSampler(dataset, numberSetting(input, 'classBalance'));
    return auditTrialOutput(input, { sampleTarget: sampler, sampleShadow: sampler });
  }
  return auditTrialOutput(input, { sampleTarget: featureBalanceSampler(dataset, numberSetting(input, 'featureBalance'), input.protocol) });
}

const fig11Fairness: ExperimentSpec = {
  id: 'fig11-fairness',
  title: 'Figure 11: attack accuracy against group, predictive and individual fairness',
  claim: 'Fairer models (δ_g, δ_p, δ_i near 0) are attacked less accurately, group fairness most consistently.',
  profiles: {
    quick: { points: points([10, 30], [1, 10]), trials: 2, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: {
      points: points([10, 20, 30, 40], [1, 2.5, 5, 7.5, 10, 12.5]),
      trials: 20,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 1000, shadowSize: 1000, largeDatasetSizeScale: 100 },
    },
  },
  metrics: ['groupFairness', 'predictiveFairness', 'individualFairness', ...ATTACK_METRICS, 'classBalancePercent', 'featureBalancePercent'],
  view: { kind: 'scatter', x: 'groupFairness' },
  run,
  // The sampled data distribution moves the achievable accuracy (at a 10% class balance, always predicting class 0 scores 90%), so accuracies are not comparable across points.
  prune: false,
};

export default fig11Fairness;
