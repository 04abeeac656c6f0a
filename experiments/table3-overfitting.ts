import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, numberSetting } from './trial.ts';

/** Table 3 of Tonni et al. (2020): ANNs of 1 and 5 hidden layers of 50 units, without and with L2 λ = 0.01. */
const points = [1, 5].flatMap((depth) => [0, 0.01].map((l2) => ({ depth, l2 })));

function run(input: TrialInput) {
  const depth = numberSetting(input, 'depth');
  return auditTrialOutput(input, { model: { hiddenLayers: Array.from({ length: depth }, () => 50), l2: numberSetting(input, 'l2') } });
}

const table3Overfitting: ExperimentSpec = {
  id: 'table3-overfitting',
  title: 'Table 3: train, test and attack accuracy of 1- and 5-layer ANNs with and without L2',
  claim: 'Models without overfitting (train and test accuracy alike) still differ widely in MIA accuracy: overfitting does not explain it all.',
  profiles: {
    quick: { points, trials: 3, datasets: ['adult'], settings: { targetSize: 1000, shadowSize: 1000 } },
    paper: { points, trials: 10, datasets: ['adult', 'purchase', 'texas'], settings: { targetSize: 5000, shadowSize: 5000, largeDatasetSizeScale: 10 } },
  },
  metrics: ['attackAccuracy', 'targetTrainAccuracy', 'targetTestAccuracy', ...ATTACK_METRICS.filter((name) => !name.startsWith('target') && name !== 'attackAccuracy')],
  view: { kind: 'heatmap', x: 'l2', y: 'depth', value: 'attackAccuracy' },
  run,
  // Every configuration is a row of the table, reported whatever its accuracy.
  prune: false,
};

export default table3Overfitting;
