import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MiascopeError } from '../src/errors.ts';
import fig2ShadowSize from './fig2-shadow-size.ts';
import fig3TargetSize from './fig3-target-size.ts';
import fig4ClassBalance from './fig4-class-balance.ts';
import fig5FeatureBalance from './fig5-feature-balance.ts';
import fig6NumFeatures from './fig6-num-features.ts';
import fig7Entropy from './fig7-entropy.ts';
import fig8Hyperparameters from './fig8-hyperparameters.ts';
import table2ModelCombinations from './table2-model-combinations.ts';
import table3Overfitting from './table3-overfitting.ts';
import fig9MutualInformation from './fig9-mutual-information.ts';
import fig10Indistinguishability from './fig10-indistinguishability.ts';
import fig11Fairness from './fig11-fairness.ts';
import table4Correlations from './table4-correlations.ts';
import table5Defences from './table5-defences.ts';
import type { ExperimentSpec } from './spec.ts';

/**
 * The experiments of Tonni et al., "Data and Model Dependencies of Membership
 * Inference Attack" (2020), one spec per figure or table, in the paper's order.
 * `miascope experiment run --all` runs them in this order.
 */
export const EXPERIMENTS: readonly ExperimentSpec[] = [
  fig2ShadowSize,
  fig3TargetSize,
  fig4ClassBalance,
  fig5FeatureBalance,
  fig6NumFeatures,
  fig7Entropy,
  fig8Hyperparameters,
  table2ModelCombinations,
  table3Overfitting,
  fig9MutualInformation,
  fig10Indistinguishability,
  fig11Fairness,
  table4Correlations,
  table5Defences,
];

/**
 * Environment variable naming extra spec modules, separated like PATH
 * (`:` on POSIX, `;` on Windows). Each module's default export is an
 * ExperimentSpec or an array of them, and they join the list after the paper's
 * experiments. Worker threads inherit the variable, so they find the same specs.
 */
export const EXPERIMENT_MODULES_VARIABLE = 'MIASCOPE_EXPERIMENT_MODULES';

let loaded: Promise<ExperimentSpec[]> | undefined;

/** Loads, once per thread, the paper's experiments followed by those of the modules named by MIASCOPE_EXPERIMENT_MODULES. */
export function loadExperiments(): Promise<ExperimentSpec[]> {
  loaded ??= loadWithExtraModules();
  return loaded;
}

async function loadWithExtraModules(): Promise<ExperimentSpec[]> {
  const specs = [...EXPERIMENTS];
  const modules = (process.env[EXPERIMENT_MODULES_VARIABLE] ?? '').split(delimiter).filter((path) => path !== '');
  for (const path of modules) {
    let exported: unknown;
    try {
      exported = (await import(pathToFileURL(resolve(path)).href)).default;
    } catch (error) {
      throw new MiascopeError(`failed to load experiment module ${path} named by ${EXPERIMENT_MODULES_VARIABLE}: ${(error as Error).message}; check the path and the module's imports`);
    }
    const extra = Array.isArray(exported) ? exported : [exported];
    for (const spec of extra) {
      if (!isSpec(spec)) {
        throw new MiascopeError(`experiment module ${path} named by ${EXPERIMENT_MODULES_VARIABLE} must export an ExperimentSpec (or an array of them) as its default export`);
      }
      specs.push(spec);
    }
  }
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id)) throw new MiascopeError(`duplicate experiment id ${JSON.stringify(spec.id)}: give each spec its own id`);
    seen.add(spec.id);
  }
  return specs;
}

function isSpec(value: unknown): value is ExperimentSpec {
  const spec = value as Partial<ExperimentSpec> | null;
  return typeof spec === 'object' && spec !== null && typeof spec.id === 'string' && typeof spec.run === 'function' && typeof spec.profiles === 'object';
}

/** Returns the spec with `id` among `specs`, or raises a MiascopeError that lists the known ids. */
export function experimentById(id: string, specs: readonly ExperimentSpec[] = EXPERIMENTS): ExperimentSpec {
  const spec = specs.find((candidate) => candidate.id === id);
  if (spec === undefined) {
    const known = specs.map((candidate) => candidate.id);
    throw new MiascopeError(`unknown experiment ${JSON.stringify(id)}; known experiments: ${known.length > 0 ? known.join(', ') : 'none'} (see miascope experiment list)`);
  }
  return spec;
}

/** Returns the spec with `id` among the paper's experiments and those of MIASCOPE_EXPERIMENT_MODULES. */
export async function findExperiment(id: string): Promise<ExperimentSpec> {
  return experimentById(id, await loadExperiments());
}
