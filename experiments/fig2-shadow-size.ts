import type { ExperimentSpec } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput } from './trial.ts';

/** Figure 2 of Tonni et al. (2020): the shadow dataset's size varies, the target's stays fixed. Sizes are Adult's; Texas and Purchase use ten times as many records. */
const points = (sizes: number[]) => sizes.map((shadowSize) => ({ shadowSize }));

const fig2ShadowSize: ExperimentSpec = {
  id: 'fig2-shadow-size',
  title: 'Figure 2: attack accuracy against the shadow dataset size',
  claim: 'With the target dataset size fixed, a larger shadow dataset raises MIA accuracy, from about 0.5 towards 1.',
  profiles: {
    quick: { points: points([250, 500, 1000, 2000]), trials: 3, datasets: ['adult'], settings: { targetSize: 1000 } },
    paper: {
      points: points([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]),
      trials: 10,
      datasets: ['adult', 'purchase', 'texas'],
      settings: { targetSize: 5000, largeDatasetSizeScale: 10 },
    },
  },
  metrics: ATTACK_METRICS,
  view: { kind: 'sweep', x: 'shadowSize' },
  run: (input) => auditTrialOutput(input),
};

export default fig2ShadowSize;
