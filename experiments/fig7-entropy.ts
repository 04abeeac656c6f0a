import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, entropySampler, numberSetting, trialDataset } from './trial.ts';

/**
 * Figure 7 of Tonni et al. (2020): target and shadow records drawn at a
 * dataset entropy H_D of `entropyLevel` times the whole table's. The lowest
 * reachable level grows with the sample size (on Adult about 0.31 of the
 * table's H_D for 1,000 records, 0.43 for 2,000 and 0.67 for 10,000).
 */
const points = (levels: number[]) => levels.map((entropyLevel) => ({ entropyLevel }));

function run(input: TrialInput) {
  const sampler = entropySampler(trialDataset(input), numberSetting(input, 'entropyLevel'));
  return auditTrialOutput(input, { sampleTarget: sampler, sampleShadow: sampler });
}

const fig7Entropy: ExperimentSpec = {
  id: 'fig7-entropy',
  title: 'Figure 7: attack accuracy against the entropy of the training set',
  claim: 'As the entropy of the training dataset rises, MIA accuracy falls (slowly on Adult).',
  profiles: {
    quick: { points: points([0.6, 0.8, 1]), trials: 3, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: {
      points: points([0.6, 0.7, 0.8, 0.9, 1]),
      trials: 20,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 2000, shadowSize: 2000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: [...ATTACK_METRICS, 'entropyBits'],
  view: { kind: 'scatter', x: 'entropyBits' },
  run,
  // The sampled data distribution moves the achievable accuracy (at a 10% class balance, always predicting class 0 scores 90%), so accuracies are not comparable across points.
  prune: false,
};

export default fig7Entropy;
