/**
 * The WGSL programs of the WebGPU backend and how their sources are found.
 *
 * Each program is the concatenation of shared snippets (common.wgsl,
 * activation.wgsl) and one kernel file from the package's kernels/ folder,
 * read as text once when the backend starts, so that ops can compile
 * pipelines synchronously later.
 */

/** Files of each program, concatenated in order. */
export const PROGRAMS = {
  matmul: ['activation.wgsl', 'matmul.wgsl'],
  distance: ['distance.wgsl'],
  unary: ['common.wgsl', 'activation.wgsl', 'unary.wgsl'],
  binary: ['common.wgsl', 'binary.wgsl'],
  activationGrad: ['common.wgsl', 'activation.wgsl', 'activation-grad.wgsl'],
  expand: ['common.wgsl', 'expand.wgsl'],
  sumTo: ['common.wgsl', 'sum-to.wgsl'],
  reduce: ['reduce.wgsl'],
  softmax: ['common.wgsl', 'softmax.wgsl'],
  crossEntropy: ['common.wgsl', 'cross-entropy.wgsl'],
  crossEntropyGrad: ['common.wgsl', 'cross-entropy-grad.wgsl'],
  sgd: ['common.wgsl', 'sgd.wgsl'],
  adam: ['common.wgsl', 'adam.wgsl'],
  gather: ['common.wgsl', 'gather.wgsl'],
  accumulate: ['common.wgsl', 'accumulate.wgsl'],
} as const satisfies Record<string, readonly string[]>;

export type ProgramName = keyof typeof PROGRAMS;

/**
 * Candidate locations of kernels/, relative to this module: from the sources
 * (engine/backend/webgpu/) it is three folders up, from the compiled package
 * (dist/engine/backend/webgpu/) four.
 */
const KERNEL_FOLDERS = ['../../../kernels/', '../../../../kernels/'];

interface DenoFileSystem {
  readTextFile(path: URL): Promise<string>;
}

/** Reads a text file by URL: Deno.readTextFile under Deno, node:fs under Node, fetch for http(s) URLs (browsers). */
async function readText(url: URL): Promise<string> {
  if (url.protocol !== 'file:') {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.text();
  }
  const deno = (globalThis as { Deno?: DenoFileSystem }).Deno;
  if (deno !== undefined) return deno.readTextFile(url);
  const { readFile } = await import('node:fs/promises');
  return readFile(url, 'utf8');
}

/** Reads one kernel file from the first candidate folder that has it. */
async function readKernelFile(file: string): Promise<string> {
  const tried: string[] = [];
  for (const folder of KERNEL_FOLDERS) {
    const url = new URL(folder + file, import.meta.url);
    try {
      return await readText(url);
    } catch (error) {
      tried.push(`${url.href} (${(error as Error).message})`);
    }
  }
  throw new Error(`WebGPU kernel ${file} not found; the package's kernels/ folder is missing. Tried: ${tried.join('; ')}`);
}

/** Reads every kernel file and returns each program's assembled WGSL source. */
export async function loadPrograms(): Promise<Record<ProgramName, string>> {
  const files = [...new Set(Object.values(PROGRAMS).flat())];
  const texts = new Map<string, string>(await Promise.all(files.map(async (file) => [file, await readKernelFile(file)] as const)));
  const sources = {} as Record<ProgramName, string>;
  for (const [name, parts] of Object.entries(PROGRAMS) as Array<[ProgramName, readonly string[]]>) {
    sources[name] = parts.map((part) => texts.get(part)!).join('\n');
  }
  return sources;
}
