import { Matrix, type Labels } from '../../engine/matrix.ts';
import { accuracy, type FitProgress, type ModelJSON } from './classifier.ts';
import { createModel } from './registry.ts';

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

/** Fits a model of the named family on the members and scores it on members and non-members. */
export async function trainAndScore(
  modelName: string,
  xMembers: MatrixData,
  yMembers: Labels,
  xNonMembers: MatrixData,
  yNonMembers: Labels,
  options: Record<string, unknown>,
  report: (progress: FitProgress) => void,
): Promise<TrainedModel> {
  const model = createModel(modelName, options);
  const fit = await model.fit(toMatrix(xMembers), yMembers, { onProgress: report });
  const posteriorsMembers = await model.predictProba(toMatrix(xMembers));
  const posteriorsNonMembers = await model.predictProba(toMatrix(xNonMembers));
  return {
    model: model.toJSON(),
    lossHistory: fit.lossHistory,
    // Each family's own decision rule: an SVM predicts by the sign of its decision value, not by its Platt probabilities.
    trainAccuracy: accuracy(await model.predict(toMatrix(xMembers)), yMembers),
    testAccuracy: accuracy(await model.predict(toMatrix(xNonMembers)), yNonMembers),
    posteriorsMembers,
    posteriorsNonMembers,
  };
}

/** Fits a model of the named family and returns it serialised. */
export async function trainModel(
  modelName: string,
  x: MatrixData,
  y: Labels,
  options: Record<string, unknown>,
  report: (progress: FitProgress) => void,
): Promise<ModelJSON> {
  const model = createModel(modelName, options);
  await model.fit(toMatrix(x), y, { onProgress: report });
  return model.toJSON();
}

/**
 * Fits one model of the named family per training split of the pool (x, y), each split a list of
 * row indices with its own seed, and returns each model's posteriors on the
 * whole pool, in split order.
 */
export async function trainOnSplits(
  modelName: string,
  x: MatrixData,
  y: Labels,
  splits: Int32Array[],
  options: Record<string, unknown>,
  seeds: string[],
  report: (progress: FitProgress) => void,
): Promise<MatrixData[]> {
  const pool = toMatrix(x);
  const posteriors: MatrixData[] = [];
  for (let s = 0; s < splits.length; s++) {
    const model = createModel(modelName, { ...options, seed: seeds[s] });
    await model.fit(pool.takeRows(splits[s]), Int32Array.from(splits[s], (row) => y[row]), { onProgress: report });
    posteriors.push(await model.predictProba(pool));
  }
  return posteriors;
}
