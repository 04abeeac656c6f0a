import type { BackendName } from '../../engine/backend/select.ts';
import { ADAPTER_HELP, probeAdapter } from '../../engine/backend/webgpu/index.ts';
import { MiascopeError } from '../errors.ts';

/** The backend choice for ANN training: a backend by name, or `auto` to decide from the problem size and the adapter. */
export type BackendChoice = 'auto' | BackendName;

/** Accepted values of a backend choice, in the order error messages list them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'webgpu'];

/**
 * Floating-point operations of one ANN training step at which `auto` starts
 * to prefer a hardware GPU. At the CPU backend's ~4 GFLOP/s (docs/benchmarks.md,
 * kernels section) such a step takes ~5 ms, several times the ~16 dispatches
 * and one submit a WebGPU step costs.
 * NOTE: an estimate, not yet measured on a hardware GPU. The default Adult
 * ANN (~1 MFLOP a step) stays on the CPU by a wide margin.
 */
export const AUTO_MIN_STEP_FLOPS = 20e6;

/**
 * FLOPs of one training step of a dense network with layer widths
 * [nFeatures, ...hiddenLayers, nClasses] on `batch` rows: three products per
 * layer (forward, input gradient, weight gradient) of 2·batch·in·out each.
 */
export function annStepFlops(nFeatures: number, hiddenLayers: readonly number[], nClasses: number, batch: number): number {
  const widths = [nFeatures, ...hiddenLayers, nClasses];
  let flops = 0;
  for (let i = 0; i + 1 < widths.length; i++) flops += 6 * batch * widths[i] * widths[i + 1];
  return flops;
}

/** Checks a backend choice given as text (an option value), naming the accepted values when it is invalid. */
export function parseBackendChoice(value: string, option = '--backend'): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) {
    throw new MiascopeError(`${option} ${JSON.stringify(value)} is invalid; choose one of ${BACKEND_CHOICES.join(', ')}`);
  }
  return value as BackendChoice;
}

/**
 * Resolves a choice to the backend the ANNs train on. `auto` picks WebGPU when
 * a hardware adapter exists and a step takes at least AUTO_MIN_STEP_FLOPS,
 * else the CPU, and it probes the adapter only for problems that large. `log`
 * receives one line with the choice and why: the adapter's name whenever an
 * adapter was probed, the step's size when `auto` took the CPU without
 * probing. An explicit `webgpu` without an adapter raises MiascopeError
 * naming what to install.
 */
export async function resolveBackendChoice(choice: BackendChoice, stepFlops: number, log: (message: string) => void = () => {}): Promise<BackendName> {
  if (choice === 'cpu') return 'cpu';
  const megaflops = (stepFlops / 1e6).toFixed(1);
  if (choice === 'auto' && stepFlops < AUTO_MIN_STEP_FLOPS) {
    log(`backend auto: cpu (an ANN training step is ${megaflops} MFLOP, under the ${AUTO_MIN_STEP_FLOPS / 1e6} MFLOP at which WebGPU starts to gain)`);
    return 'cpu';
  }
  const adapter = await probeAdapter();
  if (choice === 'webgpu') {
    if (adapter === null) throw new MiascopeError(`--backend webgpu: no WebGPU adapter found; ${ADAPTER_HELP} with --backend cpu`);
    log(`backend webgpu: adapter ${adapter.name}${adapter.software ? ' (a CPU driver: expect it to be slower than --backend cpu)' : ''}`);
    return 'webgpu';
  }
  if (adapter === null) {
    log('backend auto: cpu (no WebGPU adapter found)');
    return 'cpu';
  }
  if (adapter.software) {
    log(`backend auto: cpu (the only WebGPU adapter, ${adapter.name}, runs on the CPU)`);
    return 'cpu';
  }
  log(`backend auto: webgpu on ${adapter.name} (an ANN training step is ${megaflops} MFLOP)`);
  return 'webgpu';
}
