import { Matrix, type Labels } from '../../engine/matrix.ts';
import { AnnClassifier, type AnnOptions } from './ann.ts';
import { accuracy, argmaxRows, type FitProgress, type ModelJSON } from './classifier.ts';

/**
 * Training jobs of an audit, written as plain functions of cloneable data so
 * that they run on a worker thread or inline with the same results.
 */

/** A Matrix after structured cloning: the fields without the class. */
export interface MatrixData {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function toMatrix(data: MatrixData): Matrix {
  return new Matrix(data.rows, data.cols, data.data);
}

export interface TrainedModel {
  model: ModelJSON;
  lossHistory: number[];
  trainAccuracy: number;
  testAccuracy: number;
  /** Posteriors on the training records (members) and on the held-out records (non-members). */
  posteriorsMembers: MatrixData;
  posteriorsNonMembers: MatrixData;
}

/** Fits an ANN on the members and scores it on members and non-members. */
export async function trainAndScore(
  xMembers: MatrixData,
  yMembers: Labels,
  xNonMembers: MatrixData,
  yNonMembers: Labels,
  options: Partial<AnnOptions>,
  report: (progress: FitProgress) => void,
): Promise<TrainedModel> {
  const model = new AnnClassifier(options);
  const fit = await model.fit(toMatrix(xMembers), yMembers, { onProgress: report });
  const posteriorsMembers = await model.predictProba(toMatrix(xMembers));
  const posteriorsNonMembers = await model.predictProba(toMatrix(xNonMembers));
  return {
    model: model.toJSON(),
    lossHistory: fit.lossHistory,
    trainAccuracy: accuracy(argmaxRows(posteriorsMembers), yMembers),
    testAccuracy: accuracy(argmaxRows(posteriorsNonMembers), yNonMembers),
    posteriorsMembers,
    posteriorsNonMembers,
  };
}

/** Fits an ANN and returns it serialised. */
export async function trainModel(
  x: MatrixData,
  y: Labels,
  options: Partial<AnnOptions>,
  report: (progress: FitProgress) => void,
): Promise<ModelJSON> {
  const model = new AnnClassifier(options);
  await model.fit(toMatrix(x), y, { onProgress: report });
  return model.toJSON();
}

/**
 * Fits one ANN per training split of the pool (x, y), each split a list of
 * row indices with its own seed, and returns each model's posteriors on the
 * whole pool, in split order.
 */
export async function trainOnSplits(
  x: MatrixData,
  y: Labels,
  splits: Int32Array[],
  options: Partial<AnnOptions>,
  seeds: string[],
  report: (progress: FitProgress) => void,
): Promise<MatrixData[]> {
  const pool = toMatrix(x);
  const posteriors: MatrixData[] = [];
  for (let s = 0; s < splits.length; s++) {
    const model = new AnnClassifier({ ...options, seed: seeds[s] });
    await model.fit(pool.takeRows(splits[s]), Int32Array.from(splits[s], (row) => y[row]), { onProgress: report });
    posteriors.push(await model.predictProba(pool));
  }
  return posteriors;
}
