import { MODEL_NAMES, type ModelName } from '../src/models/registry.ts';
import type { ExperimentSpec, TrialInput } from './spec.ts';
import { ATTACK_METRICS, auditTrialOutput } from './trial.ts';

/** Table 2 of Tonni et al. (2020): every target family against every shadow family, and against one shadow of each family pooled (`all`). */
const points = MODEL_NAMES.flatMap((target) => [...MODEL_NAMES, 'all'].map((shadow) => ({ target, shadow })));

function run(input: TrialInput) {
  return auditTrialOutput(input, { targetModel: input.point.target as ModelName, shadowModel: input.point.shadow as ModelName | 'all' });
}

const table2ModelCombinations: ExperimentSpec = {
  id: 'table2-model-combinations',
  title: 'Table 2: attack accuracy for each target and shadow model family',
  claim: 'MIA accuracy depends on the target and shadow combination, a matching shadow family is not always best, and pooling all five shadow families raises accuracy by about 10 points.',
  profiles: {
    quick: { points, trials: 1, datasets: ['adult'], settings: { targetSize: 500, shadowSize: 500 } },
    paper: { points, trials: 5, datasets: ['adult', 'purchase', 'texas'], settings: { targetSize: 5000, shadowSize: 5000, largeDatasetSizeScale: 10 } },
  },
  metrics: ATTACK_METRICS,
  view: { kind: 'heatmap', x: 'shadow', y: 'target', value: 'attackAccuracy' },
  run,
  // Every combination is a cell of the table, and families differ in accuracy by design, so none is pruned.
  prune: false,
};

export default table2ModelCombinations;
