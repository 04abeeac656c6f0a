import type { Backend } from './backend.ts';
import { cpuBackend } from './cpu/index.ts';
import { webGpuBackend } from './webgpu/index.ts';

/** A backend's name. The `auto` choice is resolved above the engine, where the problem size is known. */
export type BackendName = Backend['name'];

/**
 * Returns the CPU backend, or the process's shared WebGPU backend, created on
 * first use. Raises WebGpuUnavailableError when no WebGPU adapter exists.
 */
export async function backendByName(name: BackendName): Promise<Backend> {
  return name === 'cpu' ? cpuBackend : webGpuBackend();
}
