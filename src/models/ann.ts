import { noGrad } from '../../engine/autograd.ts';
import type { Activation, Backend } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Dense } from '../../engine/nn/dense.ts';
import type { Initializer } from '../../engine/nn/init.ts';
import { softmax, softmaxCrossEntropy } from '../../engine/ops.ts';
import { Adam, SGD, type Optimizer } from '../../engine/optim.ts';
import { Rng } from '../../engine/rng.ts';
import { Tensor, tensor } from '../../engine/tensor.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './classifier.ts';
import {
  listOf,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  positiveNumber,
  unitInterval,
  validateFeatures,
  validateOptions,
  validateTrainingData,
  checkModelJSON,
  requireFitted,
} from './validate.ts';

export interface AnnOptions {
  /** Units per hidden layer. Default [50]. */
  hiddenLayers: number[];
  /** Hidden-layer activation. Default 'relu'. */
  activation: Exclude<Activation, 'none'>;
  /** Default 'sgd'. */
  optimizer: 'sgd' | 'adam';
  /** Default 0.001. */
  learningRate: number;
  /** SGD momentum; ignored by Adam. Default 0.9. */
  momentum: number;
  /** Nesterov momentum for SGD. Default true, as scikit-learn's MLPClassifier. */
  nesterov: boolean;
  /** L2 penalty λ on the weights (not the biases): loss + λ·Σw². Default 1e-7. */
  l2: number;
  /** Default 50. */
  epochs: number;
  /** Default 200; the last batch of an epoch may be smaller. */
  batchSize: number;
  /** Default 'he' for ReLU; 'xavier' suits tanh and sigmoid. */
  initializer: Initializer;
  /** Seed for initial weights and batch order. Default 0. */
  seed: string | number;
}

/** Table 1 defaults of "Data and Model Dependencies of Membership Inference Attack" (Tonni et al., 2020). */
export const ANN_DEFAULTS: AnnOptions = {
  hiddenLayers: [50],
  activation: 'relu',
  optimizer: 'sgd',
  learningRate: 0.001,
  momentum: 0.9,
  nesterov: true,
  l2: 1e-7,
  epochs: 50,
  batchSize: 200,
  initializer: 'he',
  seed: 0,
};

const OPTION_RULES = {
  hiddenLayers: listOf(positiveInteger),
  activation: oneOf('relu', 'sigmoid', 'tanh'),
  optimizer: oneOf('sgd', 'adam'),
  learningRate: positiveNumber,
  momentum: unitInterval,
  l2: nonNegativeNumber,
  epochs: positiveInteger,
  batchSize: positiveInteger,
  initializer: oneOf('he', 'xavier'),
};

interface FittedState {
  layers: Dense[];
  nFeatures: number;
  nClasses: number;
}

/** Rows of a matrix as a tensor on `backend`, gathered in `order[start … end)`. */
function gatherBatch(x: Matrix, order: Int32Array, start: number, end: number, backend: Backend): Tensor {
  const cols = x.cols;
  const batch = new Float32Array((end - start) * cols);
  for (let r = start, to = 0; r < end; r++) {
    const from = order[r] * cols;
    for (let j = 0; j < cols; j++, to++) batch[to] = x.data[from + j];
  }
  return tensor(batch, [end - start, cols], { backend });
}

/**
 * Multilayer perceptron classifier: dense hidden layers, softmax output,
 * mean cross-entropy plus an L2 penalty, trained by minibatch SGD with
 * momentum or by Adam.
 */
export class AnnClassifier implements Classifier {
  readonly name = 'ann';
  readonly options: AnnOptions;
  private state: FittedState | null = null;

  constructor(
    options: Partial<AnnOptions> = {},
    readonly backend: Backend = cpuBackend,
  ) {
    this.options = { ...ANN_DEFAULTS, ...options };
    validateOptions('AnnClassifier', this.options, OPTION_RULES);
  }

  async fit(x: Matrix, y: Labels, fitOptions: FitOptions = {}): Promise<FitReport> {
    const nClasses = validateTrainingData('AnnClassifier', x, y);
    const { hiddenLayers, activation, epochs, batchSize, learningRate, l2 } = this.options;
    const rng = new Rng(this.options.seed);

    // Steps 1-2: layers, then an optimiser over all their parameters.
    const widths = [x.cols, ...hiddenLayers, nClasses];
    const layers = widths.slice(1).map((width, i) => {
      const isOutput = i === widths.length - 2;
      return Dense.create(widths[i], width, isOutput ? 'none' : activation, this.options.initializer, rng, { backend: this.backend });
    });
    const weights = layers.map((layer) => layer.weight);
    const biases = layers.map((layer) => layer.bias);
    // The L2 penalty λ·Σw² enters as weight decay 2λ on the weights only.
    const optimizers: Optimizer[] =
      this.options.optimizer === 'sgd'
        ? [
            new SGD(weights, { learningRate, momentum: this.options.momentum, nesterov: this.options.nesterov, weightDecay: 2 * l2 }),
            new SGD(biases, { learningRate, momentum: this.options.momentum, nesterov: this.options.nesterov }),
          ]
        : [new Adam(weights, { learningRate, weightDecay: 2 * l2 }), new Adam(biases, { learningRate })];

    // Step 3: epochs of shuffled minibatches.
    const lossHistory: number[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.permutation(x.rows);
      let lossSum = 0;
      for (let start = 0; start < x.rows; start += batchSize) {
        const end = Math.min(start + batchSize, x.rows);
        let h = gatherBatch(x, order, start, end, this.backend);
        for (const layer of layers) h = layer.forward(h);
        const labels = takeLabels(y, order, start, end);
        const loss = softmaxCrossEntropy(h, labels);
        loss.backward();
        for (const optimizer of optimizers) optimizer.step();
        for (const optimizer of optimizers) optimizer.zeroGrad();
        lossSum += (await loss.data())[0] * (end - start);
      }

      const epochLoss = lossSum / x.rows;
      if (!Number.isFinite(epochLoss)) {
        throw new MiascopeError(
          `AnnClassifier.fit: training diverged at epoch ${epoch} (mean loss ${epochLoss}); lower the learning rate (now ${learningRate}) or check the features for extreme values`,
        );
      }
      lossHistory.push(epochLoss);
      fitOptions.onProgress?.({ epoch, epochs, loss: epochLoss });
    }

    this.state = { layers, nFeatures: x.cols, nClasses };
    return { epochs, lossHistory };
  }

  async predictProba(x: Matrix): Promise<Matrix> {
    const state = this.requireFitted('predictProba');
    if (x.cols !== state.nFeatures) {
      throw new MiascopeError(`AnnClassifier.predictProba: x has ${x.cols} features, the model was fit on ${state.nFeatures}`);
    }
    validateFeatures('AnnClassifier.predictProba', x);
    const probabilities = await noGrad(async () => {
      let h = tensor(x.data, [x.rows, x.cols], { backend: this.backend });
      for (const layer of state.layers) h = layer.forward(h);
      return softmax(h).data();
    });
    return new Matrix(x.rows, state.nClasses, probabilities);
  }

  async predict(x: Matrix): Promise<Labels> {
    return argmaxRows(await this.predictProba(x));
  }

  toJSON(): ModelJSON {
    const state = this.requireFitted('toJSON');
    return {
      model: this.name,
      formatVersion: 1,
      options: this.options,
      nFeatures: state.nFeatures,
      nClasses: state.nClasses,
      layers: state.layers.map((layer) => ({
        shape: layer.weight.shape,
        activation: layer.activation,
        weight: Array.from(layer.weight.dataSync()),
        bias: Array.from(layer.bias.dataSync()),
      })),
    };
  }

  static fromJSON(json: ModelJSON, backend: Backend = cpuBackend): AnnClassifier {
    checkModelJSON('AnnClassifier', json, 'ann');
    const model = new AnnClassifier(json.options as Partial<AnnOptions>, backend);
    const layers = (json.layers as Array<{ shape: number[]; activation: Activation; weight: number[]; bias: number[] }>).map(
      (layer) =>
        new Dense(
          tensor(layer.weight, layer.shape, { backend, requiresGrad: true }),
          tensor(layer.bias, [layer.shape[1]], { backend, requiresGrad: true }),
          layer.activation,
        ),
    );
    model.state = { layers, nFeatures: json.nFeatures as number, nClasses: json.nClasses as number };
    return model;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('AnnClassifier', this.state, call);
  }
}

function takeLabels(y: Labels, order: Int32Array, start: number, end: number): Int32Array {
  const labels = new Int32Array(end - start);
  for (let r = start; r < end; r++) labels[r - start] = y[order[r]];
  return labels;
}
