import type { Backend, Storage } from './backend/backend.ts';
import { Tensor } from './tensor.ts';

/**
 * Runs `fn` in a memory scope of `backend`: device memory that `fn` allocates
 * is released when it returns, except the storages of the tensors it returns
 * (a Tensor, or an array of them). Tensors updated in place, such as
 * parameters created before the scope, are untouched. On the CPU backend this
 * only calls `fn`. On WebGPU the scope's end also submits the recorded work.
 * The function must be synchronous: an async function's later steps would run
 * after the scope has ended.
 */
export function tidy<T>(backend: Backend, fn: () => T): T {
  backend.beginScope();
  let kept: Storage[] = [];
  try {
    const result = fn();
    kept = storagesOf(result);
    return result;
  } finally {
    backend.endScope(kept);
  }
}

function storagesOf(result: unknown): Storage[] {
  if (result instanceof Tensor) return [result.storage];
  if (Array.isArray(result)) return result.filter((item): item is Tensor => item instanceof Tensor).map((tensor) => tensor.storage);
  return [];
}

/**
 * A running sum of scalar tensors (such as minibatch losses) that stays where
 * the tensors live. On a backend with host memory it adds in float64 on the
 * host. On a device it adds in float32 on the device, so that reading the sum
 * costs one transfer however many terms it has. Create it outside tidy():
 * its device memory belongs to the scope it is created in.
 */
export class ScalarSum {
  private host = 0;
  private readonly device: Storage | null;

  constructor(private readonly backend: Backend) {
    this.device = backend.hostMemory ? null : backend.zeros(1);
  }

  /** Adds weight · value for a one-element tensor. */
  add(value: Tensor, weight: number): void {
    if (this.device === null) {
      this.host += value.dataSync()[0] * weight;
      return;
    }
    this.backend.accumulate(this.device, value.storage, weight);
  }

  /** Returns the sum so far (one read on a device). */
  async value(): Promise<number> {
    if (this.device === null) return this.host;
    return (await this.backend.read(this.device))[0];
  }
}
