import type { Backend } from './backend.ts';
import { cpuBackend } from './cpu/index.ts';
import { webGpuBackend } from './webgpu/index.ts';

/** A backend by name; `auto` is resolved above the engine, where the problem size is known. */
export type BackendName = 'cpu' | 'webgpu';

/** Returns the CPU backend, or the process's shared WebGPU backend (created on first use, WebGpuUnavailableError without an adapter). */
export async function backendByName(name: BackendName): Promise<Backend> {
  return name === 'cpu' ? cpuBackend : webGpuBackend();
}
