import type { Labels, Matrix } from '../../engine/matrix.ts';

/** Progress of a long fit, reported once per epoch (or iteration). */
export interface FitProgress {
  epoch: number;
  epochs: number;
  /** Mean training loss of the epoch, natural log. */
  loss: number;
}

export interface FitOptions {
  onProgress?: (progress: FitProgress) => void;
}

/** The outcome of a fit: enough to tell a converged model from a failed one. */
export interface FitReport {
  epochs: number;
  /** Mean training loss per epoch, natural log; the last entry is the final loss. */
  lossHistory: number[];
}

/** A serialised model: `model` names the class that `fromJSON` must match. */
export interface ModelJSON {
  model: string;
  formatVersion: number;
  [key: string]: unknown;
}

/**
 * A probabilistic classifier. `x` is [nSamples × nFeatures], `y` contains class
 * indices 0 … nClasses−1. `predictProba` returns [nSamples × nClasses] with
 * rows summing to 1, columns in class order (binary problems get two columns).
 */
export interface Classifier {
  readonly name: string;
  fit(x: Matrix, y: Labels, options?: FitOptions): Promise<FitReport>;
  predictProba(x: Matrix): Promise<Matrix>;
  predict(x: Matrix): Promise<Labels>;
  toJSON(): ModelJSON;
}

/** Index of the largest value in each row; ties go to the lowest index. */
export function argmaxRows(probabilities: Matrix): Labels {
  const labels = new Int32Array(probabilities.rows);
  const { cols, data } = probabilities;
  for (let i = 0; i < probabilities.rows; i++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (data[i * cols + j] > data[i * cols + best]) best = j;
    labels[i] = best;
  }
  return labels;
}

/** Share of rows where `predicted` equals `actual`. */
export function accuracy(predicted: Labels, actual: Labels): number {
  if (predicted.length !== actual.length) {
    throw new RangeError(`accuracy: ${predicted.length} predictions for ${actual.length} labels`);
  }
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) correct++;
  return actual.length === 0 ? 0 : correct / actual.length;
}
