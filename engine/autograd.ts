import { Tensor, type TapeEntry } from './tensor.ts';
import { gradientRules } from './gradients.ts';
import { formatShape, sameShape } from './shape.ts';

let recording = true;

/** Returns whether ops currently record themselves for backpropagation. */
export function isRecording(): boolean {
  return recording;
}

/** Runs `fn` without recording ops (inference, optimiser steps, gradient rules). */
export function noGrad<T>(fn: () => T): T {
  const previous = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/** Attaches a tape entry to `out` when recording and some input requires gradients. */
export function record(out: Tensor, op: string, inputs: Tensor[], saved: Record<string, unknown> = {}): Tensor {
  if (recording && inputs.some((input) => input.requiresGrad)) {
    out.requiresGrad = true;
    out.entry = { op, inputs, saved };
  }
  return out;
}

/** Tensors on the tape below `root`, in an order where each comes after all its inputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<{ tensor: Tensor; expanded: boolean }> = [{ tensor: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.tensor);
      continue;
    }
    if (visited.has(top.tensor)) continue;
    visited.add(top.tensor);
    stack.push({ tensor: top.tensor, expanded: true });
    for (const input of top.tensor.entry?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ tensor: input, expanded: false });
    }
  }
  return order;
}

/** Raises unless the gradient differs in shape from its input only along axes the input was broadcast on. */
function checkBroadcastGradient(entry: TapeEntry, index: number, input: Tensor, grad: Tensor): void {
  const offset = grad.shape.length - input.shape.length;
  const broadcasts = offset >= 0 && input.shape.every((extent, axis) => extent === 1 || extent === grad.shape[axis + offset]);
  if (!broadcasts) {
    throw new Error(
      `gradient of ${entry.op} for input ${index} has shape ${formatShape(grad.shape)}, the input has shape ${formatShape(input.shape)}`,
    );
  }
}

/**
 * Differentiates a scalar `root` in reverse mode, walking the tape once in
 * reverse topological order. Gradients that meet at a tensor are summed. A
 * gradient for a broadcast input is summed back to the input's shape here, so
 * no rule repeats that work. Leaves keep their gradient in `grad`, accumulated
 * across calls until the optimiser clears it, and intermediate tensors do not.
 */
export function backward(root: Tensor): void {
  if (root.size !== 1) {
    throw new RangeError(`backward: needs a scalar loss, shape is ${formatShape(root.shape)}`);
  }
  if (!root.requiresGrad) {
    throw new Error('backward: the loss does not depend on any tensor that requires gradients');
  }

  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>();
  grads.set(root, onesLike(root));

  noGrad(() => {
    for (let position = order.length - 1; position >= 0; position--) {
      const tensor = order[position];
      const dy = grads.get(tensor);
      if (dy === undefined) continue;

      const entry = tensor.entry;
      if (entry === null) {
        tensor.grad = tensor.grad === null ? dy : addSameShape(tensor.grad, dy);
        continue;
      }
      grads.delete(tensor);

      const rule = gradientRules[entry.op];
      if (rule === undefined) throw new Error(`backward: no gradient rule for op ${entry.op}`);
      const needed = entry.inputs.map((input) => input.requiresGrad);
      const inputGrads = rule(dy, entry, tensor, needed);

      entry.inputs.forEach((input, index) => {
        let grad = inputGrads[index];
        if (!needed[index] || grad === null) return;
        if (!sameShape(grad.shape, input.shape)) {
          checkBroadcastGradient(entry, index, input, grad);
          grad = reduceToShape(grad, input.shape);
        }
        const existing = grads.get(input);
        grads.set(input, existing === undefined ? grad : addSameShape(existing, grad));
      });
    }
  });
}

// Helpers on storages, so that the walker itself records nothing.
function onesLike(t: Tensor): Tensor {
  const ones = new Float32Array(t.size).fill(1);
  return new Tensor(t.backend.fromArray(ones), t.shape, t.backend);
}

function addSameShape(a: Tensor, b: Tensor): Tensor {
  const storage = a.backend.binary('add', a.storage, a.shape, b.storage, b.shape, a.shape);
  return new Tensor(storage, a.shape, a.backend);
}

function reduceToShape(grad: Tensor, shape: readonly number[]): Tensor {
  const storage = grad.backend.sumTo(grad.storage, grad.shape, shape);
  return new Tensor(storage, shape, grad.backend);
}
