import seedrandom from 'seedrandom';

/**
 * Seeded pseudo-random generator (Alea from `seedrandom`). Every random step in
 * miascope draws from an `Rng` so that one seed reproduces a run byte for byte.
 */
export class Rng {
  private readonly next: () => number;
  private spareNormal: number | null = null;

  constructor(readonly seed: string | number) {
    this.next = seedrandom.alea(String(seed));
  }

  /** A new generator whose stream depends only on this seed and `label`. */
  fork(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: any }>(values: T): T {
    // The generator is a closure over its own state, so it can be called without `this`.
    // A local reference keeps the method lookup out of this loop, which runs once per epoch.
    const next = this.next;
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }

  /** Returns a random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }
}
