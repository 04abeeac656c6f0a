import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, numberSetting, randomFeatures, trialDataset } from './trial.ts';

/** Figure 6 of Tonni et al. (2020): each trial gives the models a random subset of `featureCount` columns. */
const points = (counts: number[]) => counts.map((featureCount) => ({ featureCount }));

function run(input: TrialInput) {
  const features = randomFeatures(trialDataset(input), numberSetting(input, 'featureCount'), input.seed);
  return auditTrialOutput(input, { features }, { features: features.join(',') });
}

const fig6NumFeatures: ExperimentSpec = {
  id: 'fig6-num-features',
  title: 'Figure 6: attack accuracy against the number of features',
  claim: 'The number of features of the training set has no effect on MIA accuracy.',
  profiles: {
    quick: { points: points([3, 8, 14]), trials: 3, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: {
      points: points([2, 4, 6, 8, 10, 12, 14]),
      trials: 10,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 5000, shadowSize: 5000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: [...ATTACK_METRICS, 'featureCount'],
  view: { kind: 'sweep', x: 'featureCount' },
  run,
  // A random feature subset changes the achievable accuracy, so accuracies are not comparable across points.
  prune: false,
};

export default fig6NumFeatures;
