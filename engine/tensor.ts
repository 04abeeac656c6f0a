import type { Backend, Storage } from './backend/backend.ts';
import { cpuBackend } from './backend/cpu/index.ts';
import { formatShape, sizeOf, type Shape } from './shape.ts';
import { backward } from './autograd.ts';

/**
 * The record of the op that computed a tensor, kept while gradients are
 * recorded: the op's name (a key of the gradient table), its inputs, and
 * whatever the gradient rule needs (saved tensors, labels, flags).
 */
export interface TapeEntry {
  op: string;
  inputs: Tensor[];
  saved: Record<string, unknown>;
}

/** A float32 tensor, row-major, stored on one backend. */
export class Tensor {
  grad: Tensor | null = null;
  entry: TapeEntry | null = null;

  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly backend: Backend = cpuBackend,
    public requiresGrad = false,
  ) {
    if (storage.length !== sizeOf(shape)) {
      throw new RangeError(`Tensor: storage contains ${storage.length} values, shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
  }

  get size(): number {
    return this.storage.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Values on the host. On the CPU this is the tensor's own memory: do not write to it. */
  dataSync(): Float32Array {
    return this.backend.readSync(this.storage);
  }

  /** Copies the values to the host, from any backend. */
  data(): Promise<Float32Array> {
    return this.backend.read(this.storage);
  }

  /** Returns the value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`Tensor.item: needs one element, shape is ${formatShape(this.shape)}`);
    return this.dataSync()[0];
  }

  /** Backpropagates from this scalar; gradients accumulate in `grad` of every leaf that requires them. */
  backward(): void {
    backward(this);
  }

  /** Returns a tensor that shares the values but is cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.backend, false);
  }
}

export interface TensorOptions {
  requiresGrad?: boolean;
  backend?: Backend;
}

/** Creates a tensor from values (copied) and a shape, by default a 1-D shape of the values' length. */
export function tensor(values: ArrayLike<number>, shape: Shape = [values.length], options: TensorOptions = {}): Tensor {
  const backend = options.backend ?? cpuBackend;
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Tensor(backend.fromArray(data), [...shape], backend, options.requiresGrad ?? false);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  const backend = options.backend ?? cpuBackend;
  return new Tensor(backend.zeros(sizeOf(shape)), [...shape], backend, options.requiresGrad ?? false);
}

export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return tensor([value], [], options);
}
