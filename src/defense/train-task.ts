import type { Labels } from '../../engine/matrix.ts';
import { backendByName, type BackendName } from '../../engine/backend/select.ts';
import { MiascopeError } from '../errors.ts';
import type { AnnOptions } from '../models/ann.ts';
import { accuracy, argmaxRows, type FitProgress } from '../models/classifier.ts';
import { toMatrix, type MatrixData, type TrainedModel } from '../models/train-task.ts';
import type { DefenseOptions } from './options.ts';
import { trainWithRegularizer, type DefenseRecord } from './train.ts';
import type { TrainingRecords } from './training-records.ts';

/** A model trained with a regulariser, scored like `trainAndScore`'s, with the record of its training. */
export interface DefendedModel extends TrainedModel {
  defense: DefenseRecord;
}

/**
 * Trains an ANN with a regulariser on the members and scores it on members
 * and non-members: the counterpart of `trainAndScore` for a defended model,
 * written on cloneable data so that it runs on a worker thread.
 * `annOptions.backend` ('cpu', the default, or 'webgpu') is where the network
 * trains and predicts, as for `trainAndScore`. A WebGPU task must run on the
 * thread that owns the device, so the audit marks it `mainThread`.
 */
export async function trainDefendedAndScore(
  xMembers: MatrixData,
  yMembers: Labels,
  xNonMembers: MatrixData,
  yNonMembers: Labels,
  records: TrainingRecords,
  annOptions: Partial<AnnOptions> & { backend?: BackendName },
  defense: DefenseOptions,
  report: (progress: FitProgress) => void,
): Promise<DefendedModel> {
  const { backend = 'cpu', ...ann } = annOptions;
  if (backend !== 'cpu' && backend !== 'webgpu') {
    throw new MiascopeError(`trainDefendedAndScore: backend ${JSON.stringify(backend)} is invalid; choose cpu or webgpu`);
  }
  const members = toMatrix(xMembers);
  const nonMembers = toMatrix(xNonMembers);
  const { model, record } = await trainWithRegularizer(members, yMembers, records, {
    ann,
    defense,
    backend: await backendByName(backend),
    onProgress: ({ epoch, epochs, loss }) => report({ epoch, epochs, loss }),
  });
  // The ANN predicts the argmax of its posteriors, so one forward pass per split gives both.
  const posteriorsMembers = await model.predictProba(members);
  const posteriorsNonMembers = await model.predictProba(nonMembers);
  return {
    model: model.toJSON(),
    lossHistory: record.lossHistory,
    trainAccuracy: accuracy(argmaxRows(posteriorsMembers), yMembers),
    testAccuracy: accuracy(argmaxRows(posteriorsNonMembers), yNonMembers),
    posteriorsMembers,
    posteriorsNonMembers,
    defense: record,
  };
}
