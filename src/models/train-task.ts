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
