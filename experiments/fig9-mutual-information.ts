import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, classBalanceSampler, numberSetting, trialDataset } from './trial.ts';

/**
 * Figure 9 of Tonni et al. (2020): the default ANN retrained from scratch
 * 1,000 times, 200 per class balance of 10–50%, each with its own seed. The
 * report plots MIA against the model's I_X, by the protocol's headline
 * estimator: `predictive` in bits under sound, `kraskov` in nats under paper.
 */
const points = (balances: number[]) => balances.map((classBalance) => ({ classBalance }));

function run(input: TrialInput) {
  const sampler = classBalanceSampler(trialDataset(input), numberSetting(input, 'classBalance'));
  return auditTrialOutput(input, { sampleTarget: sampler, sampleShadow: sampler });
}

const fig9MutualInformation: ExperimentSpec = {
  id: 'fig9-mutual-information',
  title: 'Figure 9: attack accuracy against the mutual information I_X of the target model',
  claim: 'Higher mutual information between the training records and the model parameters goes with more accurate MIA.',
  profiles: {
    quick: { points: points([10, 30, 50]), trials: 2, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: {
      points: points([10, 20, 30, 40, 50]),
      trials: 200,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 5000, shadowSize: 5000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: ['information', ...ATTACK_METRICS, 'classBalancePercent'],
  view: { kind: 'scatter', x: 'information' },
  run,
  // The sampled data distribution moves the achievable accuracy (at a 10% class balance, always predicting class 0 scores 90%), so accuracies are not comparable across points.
  prune: false,
};

export default fig9MutualInformation;
