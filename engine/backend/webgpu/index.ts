/// <reference types="@webgpu/types" />
import type { Activation, AdamUpdate, Backend, BinaryOp, SgdUpdate, Storage, UnaryOp } from '../backend.ts';
import { sizeOf, stridesOf, broadcastStrides, type Shape } from '../../shape.ts';
import { BufferPool, BufferUsage, GpuStorage, MAP_MODE_READ, UniformArena, UniformBlock } from './buffers.ts';
import { requestDevice, type AdapterDescription } from './device.ts';
import { loadPrograms, type ProgramName } from './kernels.ts';

export { probeAdapter, WebGpuUnavailableError, ADAPTER_HELP, type AdapterDescription } from './device.ts';

/** Activation codes of kernels/activation.wgsl. */
const ACTIVATION_CODES: Record<Activation, number> = { none: 0, relu: 1, sigmoid: 2, tanh: 3 };
/** Op codes of kernels/unary.wgsl. The scale op is SCALE_CODE. */
const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, abs: 3, square: 4, sign: 5, relu: 6, sigmoid: 7, tanh: 8 };
const SCALE_CODE = 9;
/** Op codes of kernels/binary.wgsl. */
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

/** Threads per workgroup of the one-dimensional kernels (WORKGROUP_SIZE in kernels/common.wgsl). */
const WORKGROUP_SIZE = 256;
/** Output tile edge of kernels/matmul.wgsl and kernels/distance.wgsl (TILE_M, TILE_N, TILE). */
const MATMUL_TILE = 64;
/** Highest rank of the broadcasting kernels, whose shapes and strides travel as eight packed u32s. */
const MAX_RANK = 8;
/** Workgroups a kernels/reduce.wgsl pass may use before a second pass sums their partial sums. */
const REDUCE_GROUPS = 256;
/** Dispatches recorded into one command encoder before it is submitted, whatever the caller's scopes. */
const MAX_DISPATCHES_PER_SUBMIT = 1024;

/** Counters of the work a WebGPU backend has done, for tests and benchmarks. */
export interface WebGpuStats {
  /** Copies from the device to the host (read() calls). */
  reads: number;
  readBytes: number;
  /** Copies from the host to the device (tensors, labels, row indices). */
  uploads: number;
  uploadBytes: number;
  dispatches: number;
  submits: number;
  pipelinesCompiled: number;
  /** Storage buffers created because the pool had no free buffer of the size. */
  buffersCreated: number;
}

type Constants = Record<string, number>;

/**
 * The engine's ops as WGSL compute kernels on one WebGPU device.
 *
 * Ops record dispatches into an open command encoder and return at once. The
 * encoder is submitted when a scope ends (one training step), when a read
 * needs the results, or after MAX_DISPATCHES_PER_SUBMIT dispatches. Pipelines
 * are cached by program and override constants, storage buffers are pooled
 * (see BufferPool), and uniform parameters share one buffer per submit.
 * Create it with `createWebGpuBackend()`.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly hostMemory = false;
  readonly stats: WebGpuStats = { reads: 0, readBytes: 0, uploads: 0, uploadBytes: 0, dispatches: 0, submits: 0, pipelinesCompiled: 0, buffersCreated: 0 };

  private readonly pool: BufferPool;
  private readonly uniforms: UniformArena;
  private readonly modules = new Map<ProgramName, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly labelUploads = new WeakMap<Int32Array, GpuStorage>();
  /** Bound where a kernel declares a binding it does not read (matmul without bias). */
  private readonly placeholder: GPUBuffer;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pendingDispatches = 0;
  private readonly errors: string[] = [];

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    private readonly sources: Record<ProgramName, string>,
  ) {
    this.pool = new BufferPool(device, this.stats);
    this.uniforms = new UniformArena(device);
    this.placeholder = device.createBuffer({ size: 16, usage: BufferUsage.STORAGE });
    device.addEventListener('uncapturederror', (event) => {
      this.errors.push((event as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** Sets every counter of `stats` to zero. */
  resetStats(): void {
    for (const key of Object.keys(this.stats) as Array<keyof WebGpuStats>) this.stats[key] = 0;
  }

  // Memory.

  fromArray(values: Float32Array): Storage {
    return this.upload(values);
  }

  zeros(length: number): Storage {
    const storage = this.pool.allocate(length);
    this.clear(storage);
    return storage;
  }

  async read(storage: Storage): Promise<Float32Array> {
    const source = this.own(storage);
    const bytes = 4 * source.length;
    if (bytes === 0) return new Float32Array(0);
    const staging = this.device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(source.buffer, 0, staging, 0, bytes);
    this.flush();
    this.stats.reads++;
    this.stats.readBytes += bytes;
    await staging.mapAsync(MAP_MODE_READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    this.throwDeviceErrors();
    return values;
  }

  readSync(): Float32Array {
    throw new Error('the WebGPU backend has no synchronous read: its tensors live on the device; use `await tensor.data()` instead of dataSync() or item()');
  }

  beginScope(): void {
    this.pool.beginScope();
  }

  endScope(keep: Storage[]): void {
    this.pool.endScope(keep);
    this.flush();
  }

  /** Submits the recorded work and frees the pooled buffers. The backend is unusable afterwards. */
  destroy(): void {
    this.flush();
    this.pool.destroy();
    this.device.destroy();
  }

  // Products.

  matmul(a: Storage, b: Storage, m: number, k: number, n: number, transA: boolean, transB: boolean): Storage {
    return this.tiledProduct(a, b, null, m, k, n, transA, transB, 'none');
  }

  dense(x: Storage, w: Storage, b: Storage, m: number, k: number, n: number, activation: Activation): Storage {
    return this.tiledProduct(x, w, b, m, k, n, false, false, activation);
  }

  private tiledProduct(
    a: Storage,
    b: Storage,
    bias: Storage | null,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    activation: Activation,
  ): Storage {
    const out = this.pool.allocate(m * n);
    if (m * n === 0) return out;
    const params = new UniformBlock().u32(m, k, n, ACTIVATION_CODES[activation], Number(bias !== null)).finish();
    const constants = { TRANS_A: Number(transA), TRANS_B: Number(transB) };
    const biasBuffer = bias === null ? this.placeholder : this.own(bias).buffer;
    this.dispatch('matmul', constants, params, [this.own(a).buffer, this.own(b).buffer, biasBuffer, out.buffer], this.tileGrid(m, n));
    return out;
  }

  squaredDistances(a: Storage, b: Storage, m: number, n: number, d: number): Storage {
    return this.distances(a, b, m, n, d, null);
  }

  rbfKernel(a: Storage, b: Storage, m: number, n: number, d: number, gamma: number): Storage {
    return this.distances(a, b, m, n, d, gamma);
  }

  private distances(a: Storage, b: Storage, m: number, n: number, d: number, gamma: number | null): Storage {
    const out = this.pool.allocate(m * n);
    if (m * n === 0) return out;
    const params = new UniformBlock().u32(m, n, d).f32(gamma ?? 0).u32(Number(gamma !== null)).finish();
    this.dispatch('distance', {}, params, [this.own(a).buffer, this.own(b).buffer, out.buffer], this.tileGrid(m, n));
    return out;
  }

  private tileGrid(m: number, n: number): [number, number, number] {
    const rows = Math.ceil(m / MATMUL_TILE);
    const cols = Math.ceil(n / MATMUL_TILE);
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (rows > limit || cols > limit) {
      throw new RangeError(`WebGPU backend: a ${m}×${n} product needs ${rows}×${cols} workgroups of ${MATMUL_TILE}×${MATMUL_TILE}, over the device limit of ${limit} per dimension`);
    }
    return [cols, rows, 1];
  }

  // Elementwise ops.

  activationGrad(activation: Activation, y: Storage, dy: Storage): Storage {
    // Gradients are never written in place, so the identity can return dy itself.
    if (activation === 'none') return dy;
    const size = this.own(y).length;
    const out = this.pool.allocate(size);
    this.dispatch1d('activationGrad', {}, new UniformBlock().u32(size, ACTIVATION_CODES[activation]).finish(), [this.own(y).buffer, this.own(dy).buffer, out.buffer], size);
    return out;
  }

  unary(op: UnaryOp, x: Storage): Storage {
    return this.unaryKernel(UNARY_CODES[op], x, 0);
  }

  scale(x: Storage, factor: number): Storage {
    return this.unaryKernel(SCALE_CODE, x, factor);
  }

  private unaryKernel(code: number, x: Storage, factor: number): Storage {
    const input = this.own(x);
    const out = this.pool.allocate(input.length);
    this.dispatch1d('unary', {}, new UniformBlock().u32(input.length).f32(factor).u32(code).finish(), [input.buffer, out.buffer], input.length);
    return out;
  }

  binary(op: BinaryOp, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape): Storage {
    checkRank('binary', outShape);
    const size = sizeOf(outShape);
    const out = this.pool.allocate(size);
    const params = new UniformBlock()
      .u32(size, outShape.length, BINARY_CODES[op], 0)
      .packed8(outShape)
      .packed8(broadcastStrides(aShape, outShape))
      .packed8(broadcastStrides(bShape, outShape))
      .finish();
    this.dispatch1d('binary', {}, params, [this.own(a).buffer, this.own(b).buffer, out.buffer], size);
    return out;
  }

  expand(x: Storage, shape: Shape, outShape: Shape): Storage {
    checkRank('expand', outShape);
    const size = sizeOf(outShape);
    const out = this.pool.allocate(size);
    const params = new UniformBlock().u32(size, outShape.length, 0, 0).packed8(outShape).packed8(broadcastStrides(shape, outShape)).finish();
    this.dispatch1d('expand', {}, params, [this.own(x).buffer, out.buffer], size);
    return out;
  }

  sumTo(x: Storage, shape: Shape, targetShape: Shape): Storage {
    checkRank('sumTo', shape);
    const size = sizeOf(targetShape);
    if (size === 1) return this.reduce(this.own(x), 1);
    const rank = shape.length;
    // The target, aligned on the last axis and padded with leading 1s to x's rank.
    const kept = shape.map((_, axis) => targetShape[axis - (rank - targetShape.length)] ?? 1);
    const reduced = shape.map((extent, axis) => (kept[axis] === 1 ? extent : 1));
    const out = this.pool.allocate(size);
    const params = new UniformBlock().u32(size, rank, sizeOf(reduced), 0).packed8(stridesOf(shape)).packed8(kept).packed8(reduced).finish();
    this.dispatch1d('sumTo', {}, params, [this.own(x).buffer, out.buffer], size);
    return out;
  }

  /** Computes factor · Σ x into a one-element storage, by one or two passes of kernels/reduce.wgsl. */
  private reduce(x: GpuStorage, factor: number): GpuStorage {
    const out = this.pool.allocate(1);
    if (x.length === 0) {
      this.clear(out);
      return out;
    }
    const groups = Math.min(Math.ceil(x.length / WORKGROUP_SIZE), REDUCE_GROUPS);
    if (groups === 1) {
      this.dispatch('reduce', {}, new UniformBlock().u32(x.length).f32(factor).finish(), [x.buffer, out.buffer], [1, 1, 1]);
      return out;
    }
    const partial = this.pool.allocate(groups);
    this.dispatch('reduce', {}, new UniformBlock().u32(x.length).f32(1).finish(), [x.buffer, partial.buffer], [groups, 1, 1]);
    this.dispatch('reduce', {}, new UniformBlock().u32(groups).f32(factor).finish(), [partial.buffer, out.buffer], [1, 1, 1]);
    this.pool.release(partial);
    return out;
  }

  // Softmax and cross-entropy.

  softmax(x: Storage, rows: number, cols: number, log: boolean): Storage {
    const out = this.pool.allocate(rows * cols);
    if (rows * cols === 0) return out;
    this.dispatch1d('softmax', {}, new UniformBlock().u32(rows, cols, Number(log)).finish(), [this.own(x).buffer, out.buffer], rows);
    return out;
  }

  softmaxCrossEntropy(logits: Storage, labels: Int32Array, rows: number, cols: number): { loss: Storage; probs: Storage } {
    const probs = this.pool.allocate(rows * cols);
    const rowLoss = this.pool.allocate(rows);
    if (rows > 0) {
      const params = new UniformBlock().u32(rows, cols).finish();
      this.dispatch1d('crossEntropy', {}, params, [this.labels(labels).buffer, this.own(logits).buffer, probs.buffer, rowLoss.buffer], rows);
    }
    const loss = this.reduce(rowLoss, rows === 0 ? 0 : 1 / rows);
    this.pool.release(rowLoss);
    return { loss, probs };
  }

  softmaxCrossEntropyGrad(probs: Storage, labels: Int32Array, rows: number, cols: number, dLoss: Storage): Storage {
    const dx = this.pool.allocate(rows * cols);
    if (rows * cols === 0) return dx;
    const params = new UniformBlock().u32(rows, cols).finish();
    this.dispatch1d('crossEntropyGrad', {}, params, [this.labels(labels).buffer, this.own(probs).buffer, this.own(dLoss).buffer, dx.buffer], rows * cols);
    return dx;
  }

  // Training helpers and optimiser updates.

  gatherRows(x: Storage, cols: number, indices: Int32Array): Storage {
    const size = indices.length * cols;
    const out = this.pool.allocate(size);
    if (size === 0) return out;
    const indexBuffer = this.upload(indices);
    this.dispatch1d('gather', {}, new UniformBlock().u32(size, cols).finish(), [indexBuffer.buffer, this.own(x).buffer, out.buffer], size);
    this.pool.release(indexBuffer);
    return out;
  }

  accumulate(total: Storage, x: Storage, factor: number): void {
    const target = this.own(total);
    this.dispatch1d('accumulate', {}, new UniformBlock().u32(target.length).f32(factor).finish(), [this.own(x).buffer, target.buffer], target.length);
  }

  sgdUpdate(param: Storage, grad: Storage, velocity: Storage, options: SgdUpdate): void {
    const p = this.own(param);
    const params = new UniformBlock().u32(p.length).f32(options.learningRate, options.momentum, options.weightDecay).u32(Number(options.nesterov)).finish();
    this.dispatch1d('sgd', {}, params, [p.buffer, this.own(grad).buffer, this.own(velocity).buffer], p.length);
  }

  adamUpdate(param: Storage, grad: Storage, m: Storage, v: Storage, options: AdamUpdate): void {
    const p = this.own(param);
    const params = new UniformBlock()
      .u32(p.length)
      .f32(options.learningRate, options.beta1, options.beta2, options.epsilon)
      .f32(1 - options.beta1 ** options.step, 1 - options.beta2 ** options.step, options.weightDecay)
      .finish();
    this.dispatch1d('adam', {}, params, [p.buffer, this.own(grad).buffer, this.own(m).buffer, this.own(v).buffer], p.length);
  }

  // Plumbing.

  /** Returns the GpuStorage behind `storage` after checking that it belongs to this backend and is alive. */
  private own(storage: Storage): GpuStorage {
    if (!(storage instanceof GpuStorage)) throw new Error('WebGPU backend: got a storage of another backend; move tensors to one backend first');
    if (storage.released) {
      throw new Error('WebGPU backend: a storage was used after its memory scope ended; keep it by returning it from tidy()');
    }
    return storage;
  }

  private upload(values: Float32Array | Int32Array): GpuStorage {
    const storage = this.pool.allocate(values.length);
    // Engine arrays never live in a SharedArrayBuffer, which writeBuffer does not take.
    if (values.length > 0) this.device.queue.writeBuffer(storage.buffer, 0, values as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>);
    this.stats.uploads++;
    this.stats.uploadBytes += values.byteLength;
    return storage;
  }

  /** Returns the labels on the device, uploaded once per Int32Array while its buffer is alive (forward and gradient share it). */
  private labels(labels: Int32Array): GpuStorage {
    const cached = this.labelUploads.get(labels);
    if (cached !== undefined && !cached.released) return cached;
    const storage = this.upload(labels);
    this.labelUploads.set(labels, storage);
    return storage;
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Records zero-filling a storage's buffer, outside any compute pass. */
  private clear(storage: GpuStorage): void {
    this.endPass();
    this.commandEncoder().clearBuffer(storage.buffer);
  }

  private pipeline(program: ProgramName, constants: Constants): GPUComputePipeline {
    const key = `${program}:${Object.entries(constants)
      .map(([name, value]) => `${name}=${value}`)
      .join(',')}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline === undefined) {
      let module = this.modules.get(program);
      if (module === undefined) {
        module = this.device.createShaderModule({ label: program, code: this.sources[program] });
        this.modules.set(program, module);
      }
      pipeline = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
      this.pipelines.set(key, pipeline);
      this.stats.pipelinesCompiled++;
    }
    return pipeline;
  }

  /** Records one dispatch; binding 0 is the uniform block `params`, bindings 1… are `buffers` in order. */
  private dispatch(program: ProgramName, constants: Constants, params: Uint8Array, buffers: GPUBuffer[], groups: [number, number, number]): void {
    if (this.uniforms.full || this.pendingDispatches >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
    const pipeline = this.pipeline(program, constants);
    const slot = this.uniforms.add(params);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms.buffer, offset: slot.offset, size: slot.size } },
        ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
      ],
    });
    this.pass ??= this.commandEncoder().beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(...groups);
    this.pendingDispatches++;
    this.stats.dispatches++;
  }

  /** Dispatches a kernel with one thread per element, folding workgroups past the per-dimension limit into a second dimension. */
  private dispatch1d(program: ProgramName, constants: Constants, params: Uint8Array, buffers: GPUBuffer[], threads: number): void {
    if (threads === 0) return;
    const workgroups = Math.ceil(threads / WORKGROUP_SIZE);
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    const grid: [number, number, number] = workgroups <= limit ? [workgroups, 1, 1] : [limit, Math.ceil(workgroups / limit), 1];
    this.dispatch(program, constants, params, buffers, grid);
  }

  /** Submits everything recorded so far, with its uniform parameters. */
  private flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    this.uniforms.flush();
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pendingDispatches = 0;
    this.stats.submits++;
    this.pool.recycle();
  }

  private throwDeviceErrors(): void {
    if (this.errors.length === 0) return;
    const messages = this.errors.splice(0);
    throw new Error(`WebGPU device error: ${messages[0]}${messages.length > 1 ? ` (and ${messages.length - 1} more)` : ''}`);
  }
}

function checkRank(op: string, shape: Shape): void {
  if (shape.length > MAX_RANK) throw new RangeError(`WebGPU backend: ${op} supports tensors of rank ≤ ${MAX_RANK}, got rank ${shape.length}`);
}

/**
 * Opens a WebGPU device and loads the kernels. Raises WebGpuUnavailableError,
 * whose message names what to install, when no adapter exists.
 */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  const [{ device, adapter }, sources] = await Promise.all([requestDevice(), loadPrograms()]);
  return new WebGpuBackend(device, adapter, sources);
}

let shared: Promise<WebGpuBackend> | undefined;

/** Returns the process's shared WebGPU backend, created on first use. */
export function webGpuBackend(): Promise<WebGpuBackend> {
  if (shared === undefined) {
    shared = createWebGpuBackend();
    // A failed start is not cached, so that a later call tries again.
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
