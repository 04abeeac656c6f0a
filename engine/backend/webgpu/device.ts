/// <reference types="@webgpu/types" />
/**
 * Finds a WebGPU adapter: `navigator.gpu` where the runtime has one (Deno,
 * browsers), else Dawn's Node bindings from the `webgpu` npm package, imported
 * only here so that the CPU path never loads them.
 */

/** Error raised when no WebGPU adapter exists. Its message names how to get one. */
export class WebGpuUnavailableError extends Error {
  override readonly name = 'WebGpuUnavailableError';
}

/** The advice on what to install when no adapter is found. */
export const ADAPTER_HELP =
  "install a GPU driver with Vulkan, Metal or Direct3D 12 support, or on Linux Mesa's lavapipe Vulkan driver " +
  '(Debian and Ubuntu package mesa-vulkan-drivers), or choose the CPU backend';

export interface AdapterDescription {
  /** The adapter's description, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  name: string;
  /** True for a driver that runs shaders on the CPU (lavapipe/llvmpipe, SwiftShader, WARP): WebGPU gains nothing there. */
  software: boolean;
}

interface WebGpuModule {
  create(options: string[]): GPU;
  globals: object;
}

let adapterRequest: Promise<{ adapter: GPUAdapter | null; reason: string }> | undefined;
/**
 * The GPU object of Dawn's Node bindings. Its adapters and devices crash the
 * process once it is garbage collected, so the module keeps it for the life
 * of the process.
 */
let dawnGpu: GPU | undefined;

async function gpuEntryPoint(): Promise<{ gpu: GPU | null; reason: string }> {
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (navigatorGpu !== undefined) return { gpu: navigatorGpu, reason: 'navigator.gpu found no adapter' };
  try {
    const module = (await import('webgpu')) as unknown as WebGpuModule;
    // Dawn's bindings expect the WebGPU globals (GPUBufferUsage, …) to exist, as in a browser.
    if (!('GPUBufferUsage' in globalThis)) Object.assign(globalThis, module.globals);
    dawnGpu ??= module.create([]);
    return { gpu: dawnGpu, reason: 'Dawn (the webgpu package) found no adapter' };
  } catch (error) {
    return { gpu: null, reason: `the webgpu package failed to load (${(error as Error).message})` };
  }
}

/** Requests the high-performance adapter once per process. Later calls share the result. */
export function requestAdapter(): Promise<{ adapter: GPUAdapter | null; reason: string }> {
  adapterRequest ??= (async () => {
    const { gpu, reason } = await gpuEntryPoint();
    if (gpu === null) return { adapter: null, reason };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    return { adapter, reason };
  })();
  return adapterRequest;
}

/** Returns the description of the process's WebGPU adapter, or null when none exists. */
export async function probeAdapter(): Promise<AdapterDescription | null> {
  const { adapter } = await requestAdapter();
  return adapter === null ? null : describeAdapter(adapter);
}

/** Returns the adapter's name and whether it runs shaders on the CPU. */
export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const name = info.description || [info.vendor, info.architecture, info.device].filter((part) => part !== '').join(' ') || 'unnamed adapter';
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software = fallback || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader|\bwarp\b|software/i.test(name);
  return { name, software };
}

/** Opens a device on the adapter, or raises WebGpuUnavailableError saying how to get one. */
export async function requestDevice(): Promise<{ device: GPUDevice; adapter: AdapterDescription }> {
  const { adapter, reason } = await requestAdapter();
  if (adapter === null) throw new WebGpuUnavailableError(`no WebGPU adapter: ${reason}; ${ADAPTER_HELP}`);
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapter: describeAdapter(adapter) };
}
