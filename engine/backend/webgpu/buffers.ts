/// <reference types="@webgpu/types" />
import type { Storage } from '../backend.ts';

/** Buffer usage and map mode flags, values from the WebGPU specification (GPUBufferUsage, GPUMapMode). */
export const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
export const MAP_MODE_READ = 0x0001;

/** Storage buffers are allocated in multiples of this many bytes, so that shapes that differ a little share pooled buffers. */
const SIZE_GRANULE_BYTES = 256;
/** Maximum bytes of free buffers kept for reuse. Buffers released beyond it are destroyed. */
const MAX_POOLED_BYTES = 512 * 1024 * 1024;

/** A tensor's values in a device buffer of at least 4 · length bytes. */
export class GpuStorage implements Storage {
  released = false;

  constructor(
    readonly buffer: GPUBuffer,
    readonly length: number,
    readonly owner: BufferPool,
  ) {}
}

interface PooledBuffer {
  buffer: GPUBuffer;
  bytes: number;
}

/**
 * Storage buffers with reuse and memory scopes.
 *
 * Invariant: a released buffer becomes free for reuse only after the commands
 * recorded so far are submitted (`recycle()`), because queue.writeBuffer into
 * it would otherwise run before those commands read it. Storages that escape
 * every scope return to the pool when the garbage collector reclaims them.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  private readonly awaitingSubmit: PooledBuffer[] = [];
  private readonly scopes: Array<Set<GpuStorage>> = [];
  private readonly collected = new FinalizationRegistry<PooledBuffer>((entry) => this.awaitingSubmit.push(entry));

  /** Creates an empty pool on `device` that counts each buffer it creates in `counters.buffersCreated`. */
  constructor(
    private readonly device: GPUDevice,
    private readonly counters: { buffersCreated: number },
  ) {}

  allocate(length: number): GpuStorage {
    const bytes = Math.max(SIZE_GRANULE_BYTES, Math.ceil((4 * length) / SIZE_GRANULE_BYTES) * SIZE_GRANULE_BYTES);
    let buffer = this.free.get(bytes)?.pop();
    if (buffer === undefined) {
      buffer = this.device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
      this.counters.buffersCreated++;
    } else {
      this.pooledBytes -= bytes;
    }
    const storage = new GpuStorage(buffer, length, this);
    this.collected.register(storage, { buffer, bytes }, storage);
    this.scopes.at(-1)?.add(storage);
    return storage;
  }

  /** Returns a storage's buffer to the pool. The storage must not be used again. */
  release(storage: GpuStorage): void {
    if (storage.released) return;
    storage.released = true;
    this.collected.unregister(storage);
    this.awaitingSubmit.push({ buffer: storage.buffer, bytes: storage.buffer.size });
  }

  /**
   * Moves the buffers released before the last submit into the free lists, or
   * destroys those past MAX_POOLED_BYTES. Call it after each submit.
   */
  recycle(): void {
    for (const { buffer, bytes } of this.awaitingSubmit.splice(0)) {
      if (this.pooledBytes + bytes > MAX_POOLED_BYTES) {
        buffer.destroy();
        continue;
      }
      const list = this.free.get(bytes);
      if (list === undefined) this.free.set(bytes, [buffer]);
      else list.push(buffer);
      this.pooledBytes += bytes;
    }
  }

  beginScope(): void {
    this.scopes.push(new Set());
  }

  endScope(keep: Storage[]): void {
    const scope = this.scopes.pop();
    if (scope === undefined) throw new Error('endScope: no scope is open');
    const kept = new Set(keep);
    const parent = this.scopes.at(-1);
    for (const storage of scope) {
      if (kept.has(storage)) parent?.add(storage);
      else this.release(storage);
    }
  }

  destroy(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}

/**
 * Uniform parameters of the dispatches recorded into one command encoder,
 * packed into one buffer at offsets aligned to minUniformBufferOffsetAlignment
 * (256 bytes at most, by the WebGPU specification) and written just before the
 * encoder is submitted.
 */
export class UniformArena {
  static readonly SLOT_BYTES = 256;
  static readonly SLOTS = 1024;
  readonly buffer: GPUBuffer;
  private readonly bytes = new Uint8Array(UniformArena.SLOT_BYTES * UniformArena.SLOTS);
  private used = 0;

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({ size: this.bytes.byteLength, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  }

  get full(): boolean {
    return this.used === UniformArena.SLOTS;
  }

  /** Stores `values` in the next slot and returns the slot's byte offset and size. */
  add(values: Uint8Array): { offset: number; size: number } {
    if (values.byteLength > UniformArena.SLOT_BYTES) throw new Error(`uniform block of ${values.byteLength} bytes exceeds ${UniformArena.SLOT_BYTES}`);
    const offset = this.used * UniformArena.SLOT_BYTES;
    this.bytes.set(values, offset);
    this.used++;
    // Uniform bindings are sized in multiples of 16 bytes (WGSL's uniform struct alignment).
    return { offset, size: Math.max(16, Math.ceil(values.byteLength / 16) * 16) };
  }

  /** Writes the slots used since the last flush to the device and starts over. */
  flush(): void {
    if (this.used === 0) return;
    this.device.queue.writeBuffer(this.buffer, 0, this.bytes, 0, this.used * UniformArena.SLOT_BYTES);
    this.used = 0;
  }
}

/** Builds a uniform block of 4-byte fields in declaration order, as the WGSL Params structs lay them out. */
export class UniformBlock {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private offset = 0;

  constructor(capacityBytes = 128) {
    this.bytes = new Uint8Array(capacityBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  u32(...values: number[]): this {
    for (const value of values) {
      this.view.setUint32(this.offset, value, true);
      this.offset += 4;
    }
    return this;
  }

  f32(...values: number[]): this {
    for (const value of values) {
      this.view.setFloat32(this.offset, value, true);
      this.offset += 4;
    }
    return this;
  }

  /** Eight u32 values (zero-padded), the packed shape or stride arrays of the broadcasting kernels. */
  packed8(values: readonly number[]): this {
    for (let i = 0; i < 8; i++) this.u32(values[i] ?? 0);
    return this;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.offset);
  }
}
