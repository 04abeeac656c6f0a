/**
 * The WebGPU backend for tests, or null after printing one line when this
 * machine has no adapter. With MIASCOPE_REQUIRE_WEBGPU=1 a missing adapter
 * fails instead, so that CI on a machine with lavapipe cannot skip silently.
 */
import type { Test } from 'uvu';
import { webGpuBackend, WebGpuUnavailableError, type WebGpuBackend } from '../../engine/backend/webgpu/index.ts';

let skipReported = false;

export async function webGpuOrSkip(): Promise<WebGpuBackend | null> {
  try {
    return await webGpuBackend();
  } catch (error) {
    if (error instanceof WebGpuUnavailableError && process.env.MIASCOPE_REQUIRE_WEBGPU !== '1') {
      if (!skipReported) console.log(`WebGPU tests skipped: ${error.message} (set MIASCOPE_REQUIRE_WEBGPU=1 to fail instead)`);
      skipReported = true;
      return null;
    }
    throw error;
  }
}

/**
 * Registers a uvu test that receives the WebGPU backend, and returns at once
 * when there is none (uvu has no per-test skip, and the skip line gives the reason).
 */
export function gpuTest(suite: Test, name: string, body: (gpu: WebGpuBackend) => Promise<void> | void): void {
  suite(name, async () => {
    const gpu = await webGpuOrSkip();
    if (gpu !== null) await body(gpu);
  });
}

/**
 * Asserts |gpu − cpu| ≤ rtol · scale + atol elementwise, where scale is |cpu| or,
 * for sums of products, the same sum over absolute values (so that
 * cancellation does not turn rounding into a large relative error).
 * Throws at the first failing index, with the label and both values in the message.
 */
export function assertNear(
  gpu: Float32Array,
  cpu: Float32Array,
  label: string,
  { rtol = 1e-4, atol = 0, scale }: { rtol?: number; atol?: number; scale?: Float32Array } = {},
): void {
  if (gpu.length !== cpu.length) throw new Error(`${label}: ${gpu.length} values on WebGPU, ${cpu.length} on the CPU`);
  for (let i = 0; i < cpu.length; i++) {
    const allowed = rtol * Math.abs(scale === undefined ? cpu[i] : scale[i]) + atol;
    const bothNaN = Number.isNaN(gpu[i]) && Number.isNaN(cpu[i]);
    const same = gpu[i] === cpu[i];
    if (!bothNaN && !same && !(Math.abs(gpu[i] - cpu[i]) <= allowed)) {
      throw new Error(`${label}: index ${i} is ${gpu[i]} on WebGPU and ${cpu[i]} on the CPU (allowed difference ${allowed.toExponential(2)})`);
    }
  }
}
