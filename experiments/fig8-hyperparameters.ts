import type { ExperimentSpec, Point, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput, numberSetting } from './trial.ts';

/**
 * Figure 8 of Tonni et al. (2020): for 1–5 hidden layers, three sweeps of the
 * target and shadow ANN, each from the defaults (50 units per layer, lr 0.001,
 * λ = 1e-7): the width, the learning rate and the L2 ratio. A point names its
 * sweep (`parameter`) and the swept `value`. The runner prunes configurations
 * whose test accuracy falls below 0.9 × the best, as Tonni et al. do.
 */
const DEFAULTS = { width: 50, learningRate: 0.001, l2: 1e-7 };

function grid(depths: number[], sweeps: { width: number[]; learningRate: number[]; l2: number[] }): Point[] {
  return depths.flatMap((depth) =>
    (['width', 'learningRate', 'l2'] as const).flatMap((parameter) =>
      sweeps[parameter].map((value) => ({ depth, parameter, value, ...DEFAULTS, [parameter]: value })),
    ),
  );
}

function run(input: TrialInput) {
  const depth = numberSetting(input, 'depth');
  const width = numberSetting(input, 'width');
  const model = { hiddenLayers: Array.from({ length: depth }, () => width), learningRate: numberSetting(input, 'learningRate'), l2: numberSetting(input, 'l2') };
  return auditTrialOutput(input, { model });
}

const fig8Hyperparameters: ExperimentSpec = {
  id: 'fig8-hyperparameters',
  title: 'Figure 8: attack accuracy against ANN depth, width, learning rate and L2 ratio',
  claim: 'Deeper and wider ANNs and larger learning rates give more accurate MIAs; L2 regularisation first lowers MIA accuracy, then raises it.',
  profiles: {
    quick: {
      points: grid([1, 3], { width: [5, 100], learningRate: [0.01], l2: [1] }),
      trials: 2,
      datasets: ['adult'],
      settings: { targetSize: 1000, shadowSize: 1000 },
    },
    paper: {
      points: grid([1, 2, 3, 4, 5], { width: [5, 10, 50, 100, 500, 1000], learningRate: [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1], l2: [0, 1e-3, 0.01, 0.1, 1, 3] }),
      trials: 5,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 5000, shadowSize: 5000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: ATTACK_METRICS,
  // One panel per sweep, each with its own x scale: log for width and learning rate, symmetric log for the L2 ratio, which starts at 0.
  view: { kind: 'sweep', x: 'value', series: 'depth', xScale: 'log', facet: 'parameter' },
  run,
};

export default fig8Hyperparameters;
