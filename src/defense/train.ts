/**
 * Training of the ANN with a regulariser, as Algorithm 1 of Tonni et al.,
 * "Data and Model Dependencies of Membership Inference Attack" (2020)
 * describes it: for each of k epochs, l draws of m training records measure
 * the property r on the current model, r is the largest of the l values, and
 * the weights descend the gradient of the mean loss plus λ·Σ_j|θ_j·r|.
 *
 * NOTE: Algorithm 1 writes one gradient step per epoch on the m drawn
 * records, which would leave a network with learning rate 0.001 untrained
 * after 50 epochs. Here each epoch makes a full pass of minibatch steps over
 * the training set, as the unregularised ANN does, with the `paper`
 * variant's r held for the whole epoch.
 *
 * On a device backend (WebGPU) the features are uploaded once, minibatches
 * and draws are gathered on the device, and each step runs in a memory scope.
 * Device-to-host reads per epoch: one for the summed loss, one per draw of
 * the property measurement (l), and for the `smooth` variant one more for the
 * summed soft r. Steps read nothing, because the `smooth` variant takes the
 * largest of the l soft values on the device.
 */

import { noGrad } from '../../engine/autograd.ts';
import type { Backend } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import type { Dense } from '../../engine/nn/dense.ts';
import { ScalarSum, tidy } from '../../engine/memory.ts';
import { abs, add, gatherRows, scale, softmax, softmaxCrossEntropy, sub } from '../../engine/ops.ts';
import { Rng } from '../../engine/rng.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import { MiascopeError } from '../errors.ts';
import { AnnClassifier, createNetwork, type AnnOptions } from '../models/ann.ts';
import type { FitProgress } from '../models/classifier.ts';
import { validateTrainingData } from '../models/validate.ts';
import { monitoredProperty, resolveDefenseOptions, type DefenseOptions, type PropertyRegularizer, type Regularizer, type Variant } from './options.ts';
import { maxDecrease, penaltyTerm } from './penalty.ts';
import { softPropertyOnDraw } from './soft-properties.ts';
import { drawRecords, measureOnDraw, propertyContext, type PropertyContext, type TrainingRecords } from './training-records.ts';

/** Record of a regularised training, beside the model. */
export interface DefenseRecord {
  regularizer: Regularizer;
  lambda: number;
  variant: Variant;
  /** The property in `propertyHistory`. */
  property: PropertyRegularizer;
  draws: number;
  drawSize: number;
  /**
   * The property on predicted labels (probabilities for δ_i), the largest
   * over l draws of m training records: entry 0 before the first epoch,
   * entry e after epoch e. The `paper` variant's epoch e penalises entry
   * e − 1. Units: share for δ_g, δ_p and δ_i, bits for I_X.
   */
  propertyHistory: number[];
  /** Mean over each epoch's steps of the soft r in the penalty, for the `smooth` variant with a property regulariser. Null otherwise. */
  softPropertyHistory: number[] | null;
  /** Largest decrease of `propertyHistory` during training (Table 5's "Max Diff."). */
  maxDiff: number;
  /** Mean cross-entropy per epoch (natural log), without the penalty. */
  lossHistory: number[];
}

export interface RegularizedTrainingOptions {
  /** Options of the network, over ANN_DEFAULTS. `seed` seeds the initial weights, the batch order and the draws. */
  ann?: Partial<AnnOptions>;
  defense?: Partial<DefenseOptions>;
  /** Backend of the training tensors, on which the returned model predicts too. Default: the CPU. */
  backend?: Backend;
  onProgress?: (progress: FitProgress & { property: number }) => void;
}

export interface RegularizedTraining {
  model: AnnClassifier;
  record: DefenseRecord;
}

function forward(layers: Dense[], input: Tensor): Tensor {
  let h = input;
  for (const layer of layers) h = layer.forward(h);
  return h;
}

/**
 * Trains an ANN on (x, y) with the regulariser of `options.defense`.
 * `records` describes the same training records for the property (row i of
 * each belongs to row i of x). With regulariser `none` the network and its
 * training match AnnClassifier's at the same options: the draws that measure
 * the property use a random stream of their own.
 */
export async function trainWithRegularizer(
  x: Matrix,
  y: Labels,
  records: TrainingRecords,
  options: RegularizedTrainingOptions = {},
): Promise<RegularizedTraining> {
  const defense = resolveDefenseOptions(options.defense ?? {});
  const backend = options.backend ?? cpuBackend;
  // Building the classifier validates the network options.
  const annOptions = new AnnClassifier(options.ann ?? {}).options;
  const nClasses = validateTrainingData('trainWithRegularizer', x, y);
  const property = monitoredProperty(defense);
  const context = propertyContext(property, records, y, nClasses, defense);
  const { regularizer, lambda, variant } = defense;
  const isProperty = regularizer === property;

  // Layers and optimisers as AnnClassifier.fit builds them, from the same random stream.
  const rng = new Rng(annOptions.seed);
  const drawRng = rng.fork('defence-draws');
  const { layers, weights, optimizers } = createNetwork(x.cols, nClasses, annOptions, rng, backend);

  // The training records, uploaded once; every minibatch and draw is a gather of their rows.
  const features = tensor(x.data, [x.rows, x.cols], { backend });
  const measure = () => measureProperty(layers, features, context, defense, drawRng);
  const propertyHistory = [await measure()];
  const softPropertyHistory: number[] | null = isProperty && variant === 'smooth' ? [] : null;
  const lossHistory: number[] = [];

  for (let epoch = 1; epoch <= annOptions.epochs; epoch++) {
    const r = propertyHistory[epoch - 1];
    const order = rng.permutation(x.rows);
    // Created outside the steps' scopes, so that their device memory outlives each step.
    const lossSum = new ScalarSum(backend);
    const softSum = new ScalarSum(backend);
    let softSteps = 0;
    for (let start = 0; start < x.rows; start += annOptions.batchSize) {
      const end = Math.min(start + annOptions.batchSize, x.rows);
      const rows = order.subarray(start, end);
      const labels = Int32Array.from(rows, (row) => y[row]);
      // One step in a memory scope that frees its activations and gradients (and on WebGPU submits its work).
      tidy(backend, () => {
        const loss = softmaxCrossEntropy(forward(layers, gatherRows(features, rows)), labels);
        let penaltyR: number | Tensor | null = r;
        if (softPropertyHistory !== null) {
          const soft = largestSoftProperty(layers, features, context, defense, drawRng);
          penaltyR = soft;
          if (soft !== null) {
            softSum.add(soft, 1);
            softSteps++;
          }
        }
        const penalty = penaltyTerm(regularizer, weights, lambda, penaltyR);
        (penalty === null ? loss : add(loss, penalty)).backward();
        for (const optimizer of optimizers) optimizer.step();
        for (const optimizer of optimizers) optimizer.zeroGrad();
        lossSum.add(loss, end - start);
      });
    }

    const epochLoss = (await lossSum.value()) / x.rows;
    if (!Number.isFinite(epochLoss)) {
      throw new MiascopeError(
        `regularised training (${regularizer}, λ = ${lambda}) diverged at epoch ${epoch} (mean loss ${epochLoss}); lower --lambda or the learning rate (now ${annOptions.learningRate})`,
      );
    }
    lossHistory.push(epochLoss);
    softPropertyHistory?.push(softSteps === 0 ? NaN : (await softSum.value()) / softSteps);
    propertyHistory.push(await measure());
    options.onProgress?.({ epoch, epochs: annOptions.epochs, loss: epochLoss, property: propertyHistory[epoch] });
  }

  return {
    model: await AnnClassifier.fromLayers(annOptions, layers, x.cols, nClasses, backend),
    record: {
      regularizer,
      lambda,
      variant,
      property,
      draws: defense.draws,
      drawSize: defense.drawSize,
      propertyHistory,
      softPropertyHistory,
      maxDiff: maxDecrease(propertyHistory),
      lossHistory,
    },
  };
}

/**
 * Measures the property on l draws of the current model and returns the
 * largest finite value, or NaN when every draw leaves it undefined. Reads the
 * probabilities of each draw to the host: l reads of drawSize × nClasses values.
 */
async function measureProperty(layers: Dense[], features: Tensor, context: PropertyContext, defense: DefenseOptions, rng: Rng): Promise<number> {
  let largest = NaN;
  for (let draw = 0; draw < defense.draws; draw++) {
    const rows = drawRecords(features.shape[0], defense.drawSize, rng);
    const posteriors = noGrad(() => tidy(features.backend, () => softmax(forward(layers, gatherRows(features, rows)))));
    const probabilities = await posteriors.data();
    const value = measureOnDraw(context, rows, new Matrix(rows.length, context.nClasses, probabilities), rng);
    if (Number.isFinite(value) && (Number.isNaN(largest) || value > largest)) largest = value;
  }
  return largest;
}

/**
 * Computes the soft property on l draws, recorded for backpropagation, and
 * returns the largest, or null when no draw defines it. With host memory it
 * compares the values and skips non-finite ones. On a device it reads nothing:
 * max(a, b) = (a + b + |a − b|) / 2 keeps the largest there, with the gradient
 * of the larger draw (half of each at a tie).
 * NOTE: on a device a non-finite soft value is not skipped. It makes the
 * penalty and then the epoch's loss non-finite, and so raises the divergence error.
 */
function largestSoftProperty(layers: Dense[], features: Tensor, context: PropertyContext, defense: DefenseOptions, rng: Rng): Tensor | null {
  const onHost = features.backend.hostMemory;
  let best: Tensor | null = null;
  let bestValue = NaN;
  for (let draw = 0; draw < defense.draws; draw++) {
    const rows = drawRecords(features.shape[0], defense.drawSize, rng);
    const soft = softPropertyOnDraw(context, rows, softmax(forward(layers, gatherRows(features, rows))), rng);
    if (soft === null) continue;
    if (!onHost) {
      best = best === null ? soft : scale(add(add(best, soft), abs(sub(best, soft))), 0.5);
      continue;
    }
    const value = soft.dataSync()[0];
    if (Number.isFinite(value) && (best === null || value > bestValue)) {
      best = soft;
      bestValue = value;
    }
  }
  return best;
}
