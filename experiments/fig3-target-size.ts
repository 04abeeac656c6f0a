import type { ExperimentSpec } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput } from './trial.ts';

/** Figure 3 of Tonni et al. (2020): the target dataset's size varies, the shadow's stays fixed. Sizes are Adult's; Texas and Purchase use ten times as many records. */
const points = (sizes: number[]) => sizes.map((targetSize) => ({ targetSize }));

const fig3TargetSize: ExperimentSpec = {
  id: 'fig3-target-size',
  title: 'Figure 3: attack accuracy against the target dataset size',
  claim: 'With the shadow dataset size fixed, the target dataset size has no significant effect on MIA accuracy.',
  profiles: {
    quick: { points: points([250, 500, 1000, 2000]), trials: 3, datasets: ['adult'], settings: { shadowSize: 1000 } },
    paper: {
      points: points([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]),
      trials: 10,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { shadowSize: 5000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: ATTACK_METRICS,
  view: { kind: 'sweep', x: 'targetSize' },
  run: (input) => auditTrialOutput(input),
};

export default fig3TargetSize;
