/** Shapes are arrays of non-negative integers, row-major, last axis fastest. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((extent, axis) => extent === b[axis]);
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * The shape two operands broadcast to, NumPy rules: shapes are aligned on
 * their last axis and each pair of extents must match or contain a 1.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const extentA = a[a.length - rank + i] ?? 1;
    const extentB = b[b.length - rank + i] ?? 1;
    if (extentA !== extentB && extentA !== 1 && extentB !== 1) {
      throw new RangeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (axis ${i - rank} has ${extentA} and ${extentB})`);
    }
    out[i] = extentA === 1 ? extentB : extentA;
  }
  return out;
}

/**
 * Strides for reading an operand of shape `shape` as if it had shape `outShape`
 * (which it broadcasts to): broadcast axes get stride 0.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => {
    const ownAxis = axis - offset;
    if (ownAxis < 0 || shape[ownAxis] === 1) return 0;
    return own[ownAxis];
  });
}

/** Normalises a possibly negative axis and checks it against the rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return normalized;
}
