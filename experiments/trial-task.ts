import { MiascopeError } from '../src/errors.ts';
import { packageVersion } from '../src/paths.ts';
import { findExperiment } from './registry.ts';
import type { TrialRecord } from './results.ts';
import type { TrialInput } from './spec.ts';
import { usedWebGpu } from './trial.ts';
import type { PlannedTrial } from './trials.ts';

/**
 * Runs one planned trial and returns its results line, on a worker thread
 * (as the task function of the runner's pool) or inline. The registry finds
 * the spec by id, so a worker imports the same spec module as the main thread.
 * A MiascopeError of the trial becomes a `failed` record, and any other error
 * is a bug and propagates. A trial whose ANNs trained on WebGPU gets
 * `backend: 'webgpu'` in its data, and a CPU trial's line is the same as
 * without a backend choice.
 */
export async function runPlannedTrial(planned: PlannedTrial, input: Pick<TrialInput, 'datasetOptions' | 'backend'>): Promise<TrialRecord> {
  const spec = await findExperiment(planned.experiment);
  const trialInput: TrialInput = {
    experiment: planned.experiment,
    dataset: planned.dataset,
    datasetOptions: input.datasetOptions,
    protocol: planned.protocol,
    profile: planned.profile,
    point: planned.point,
    trial: planned.trial,
    seed: planned.seed,
    settings: spec.profiles[planned.profile].settings,
    ...(input.backend === undefined ? {} : { backend: input.backend }),
  };
  const base = {
    experiment: planned.experiment,
    dataset: planned.dataset,
    protocol: planned.protocol,
    profile: planned.profile,
    pointIndex: planned.pointIndex,
    point: planned.point,
    trial: planned.trial,
    seed: planned.seed,
    miascope: packageVersion(),
  };
  const start = performance.now();
  try {
    const output = await spec.run(trialInput);
    const data = usedWebGpu(trialInput) ? { ...output.data, backend: 'webgpu' } : (output.data ?? {});
    return { ...base, status: 'ok', metrics: finiteOrNull(output.metrics), data, seconds: elapsedSeconds(start) };
  } catch (error) {
    if (!(error instanceof MiascopeError)) throw error;
    return { ...base, status: 'failed', error: error.message, metrics: {}, data: {}, seconds: elapsedSeconds(start) };
  }
}

/** Replaces NaN and infinities, which JSON cannot encode, by null, the mark of an undefined value. */
function finiteOrNull(metrics: Record<string, number | null>): Record<string, number | null> {
  const stored: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(metrics)) stored[name] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  return stored;
}

/** Seconds since `start` (a performance.now() reading), rounded to milliseconds. */
function elapsedSeconds(start: number): number {
  return Math.round(performance.now() - start) / 1000;
}
