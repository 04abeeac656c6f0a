import { noGrad } from '../../engine/autograd.ts';
import type { Activation, Backend } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { backendByName, type BackendName } from '../../engine/backend/select.ts';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import { ScalarSum, tidy } from '../../engine/memory.ts';
import { Dense } from '../../engine/nn/dense.ts';
import type { Initializer } from '../../engine/nn/init.ts';
import { gatherRows, softmax, softmaxCrossEntropy } from '../../engine/ops.ts';
import { Adam, SGD, type Optimizer } from '../../engine/optim.ts';
import { Rng } from '../../engine/rng.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './classifier.ts';
import {
  listOf,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  positiveNumber,
  trueOrFalse,
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
  nesterov: trueOrFalse,
  l2: nonNegativeNumber,
  epochs: positiveInteger,
  batchSize: positiveInteger,
  initializer: oneOf('he', 'xavier'),
};

/** A dense layer's parameters in host memory, as toJSON writes them. */
interface HostLayer {
  shape: [number, number];
  activation: Activation;
  weight: Float32Array;
  bias: Float32Array;
}

interface FittedState {
  /** Host copies of the final parameters, read once at the end of fit. */
  hostLayers: HostLayer[];
  /** The layers on the backend, built from hostLayers on first use after fromJSON. */
  layers: Dense[] | null;
  nFeatures: number;
  nClasses: number;
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

  /**
   * `backend` is a Backend or its name; 'webgpu' opens the process's shared
   * WebGPU device at the first fit or predict. Default: the CPU backend.
   */
  constructor(
    options: Partial<AnnOptions> = {},
    readonly backend: Backend | BackendName = cpuBackend,
  ) {
    this.options = { ...ANN_DEFAULTS, ...options };
    validateOptions('AnnClassifier', this.options, OPTION_RULES);
  }

  /**
   * Trains on x [nSamples × nFeatures]. On a device backend the features are
   * uploaded once, minibatches are gathered on the device, and only the
   * epoch's summed loss (once an epoch) and the final parameters are read back.
   */
  async fit(x: Matrix, y: Labels, fitOptions: FitOptions = {}): Promise<FitReport> {
    const nClasses = validateTrainingData('AnnClassifier', x, y);
    const { epochs, batchSize, learningRate } = this.options;
    const backend = await this.resolveBackend();
    const rng = new Rng(this.options.seed);

    // Steps 1-2: layers, then an optimiser over all their parameters.
    const { layers, optimizers } = createNetwork(x.cols, nClasses, this.options, rng, backend);

    // Step 3: epochs of shuffled minibatches, each step in a memory scope that
    // frees its activations and gradients (and on WebGPU submits its work).
    const features = tensor(x.data, [x.rows, x.cols], { backend });
    const lossHistory: number[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.permutation(x.rows);
      const lossSum = new ScalarSum(backend);
      for (let start = 0; start < x.rows; start += batchSize) {
        const end = Math.min(start + batchSize, x.rows);
        const labels = takeLabels(y, order, start, end);
        tidy(backend, () => {
          let h = gatherRows(features, order.subarray(start, end));
          for (const layer of layers) h = layer.forward(h);
          const loss = softmaxCrossEntropy(h, labels);
          loss.backward();
          for (const optimizer of optimizers) optimizer.step();
          for (const optimizer of optimizers) optimizer.zeroGrad();
          lossSum.add(loss, end - start);
        });
      }

      const epochLoss = (await lossSum.value()) / x.rows;
      if (!Number.isFinite(epochLoss)) {
        throw new MiascopeError(
          `AnnClassifier.fit: training diverged at epoch ${epoch} (mean loss ${epochLoss}); lower the learning rate (now ${learningRate}) or check the features for extreme values`,
        );
      }
      lossHistory.push(epochLoss);
      fitOptions.onProgress?.({ epoch, epochs, loss: epochLoss });
    }

    // Step 4: host copies of the final parameters, for toJSON.
    this.state = { hostLayers: await readHostLayers(layers), layers, nFeatures: x.cols, nClasses };
    return { epochs, lossHistory };
  }

  async predictProba(x: Matrix): Promise<Matrix> {
    const state = this.requireFitted('predictProba');
    if (x.cols !== state.nFeatures) {
      throw new MiascopeError(`AnnClassifier.predictProba: x has ${x.cols} features, the model was fit on ${state.nFeatures}`);
    }
    validateFeatures('AnnClassifier.predictProba', x);
    const backend = await this.resolveBackend();
    const layers = (state.layers ??= state.hostLayers.map((layer) => hostToDense(layer, backend)));
    const posteriors = noGrad(() =>
      tidy(backend, () => {
        let h = tensor(x.data, [x.rows, x.cols], { backend });
        for (const layer of layers) h = layer.forward(h);
        return softmax(h);
      }),
    );
    const probabilities = await posteriors.data();
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
      layers: state.hostLayers.map((layer) => ({
        shape: layer.shape,
        activation: layer.activation,
        weight: Array.from(layer.weight),
        bias: Array.from(layer.bias),
      })),
    };
  }

  /**
   * Wraps layers trained outside `fit` (regularised training) as a fitted
   * classifier that predicts with them on `backend`. Reads host copies of
   * their parameters, for toJSON.
   */
  static async fromLayers(options: AnnOptions, layers: Dense[], nFeatures: number, nClasses: number, backend: Backend): Promise<AnnClassifier> {
    const model = new AnnClassifier(options, backend);
    model.state = { hostLayers: await readHostLayers(layers), layers, nFeatures, nClasses };
    return model;
  }

  static fromJSON(json: ModelJSON, backend: Backend | BackendName = cpuBackend): AnnClassifier {
    checkModelJSON('AnnClassifier', json, 'ann');
    const model = new AnnClassifier(json.options as Partial<AnnOptions>, backend);
    const hostLayers = (json.layers as Array<{ shape: [number, number]; activation: Activation; weight: number[]; bias: number[] }>).map(
      (layer): HostLayer => ({
        shape: layer.shape,
        activation: layer.activation,
        weight: Float32Array.from(layer.weight),
        bias: Float32Array.from(layer.bias),
      }),
    );
    model.state = { hostLayers, layers: null, nFeatures: json.nFeatures as number, nClasses: json.nClasses as number };
    return model;
  }

  private async resolveBackend(): Promise<Backend> {
    return typeof this.backend === 'string' ? backendByName(this.backend) : this.backend;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('AnnClassifier', this.state, call);
  }
}

/** A network before training: its dense layers and the optimisers over their parameters. */
export interface AnnNetwork {
  layers: Dense[];
  /** The layers' weight matrices, without the biases: what the L2 penalty covers. */
  weights: Tensor[];
  optimizers: Optimizer[];
}

/**
 * Builds the dense layers nFeatures → options.hiddenLayers → nClasses, drawing
 * their initial weights from `rng`, and the optimisers over their parameters.
 * AnnClassifier.fit and regularised training both build their networks here,
 * so that the same seed gives both the same start.
 */
export function createNetwork(nFeatures: number, nClasses: number, options: AnnOptions, rng: Rng, backend: Backend): AnnNetwork {
  const { activation, learningRate, momentum, nesterov, l2 } = options;
  const widths = [nFeatures, ...options.hiddenLayers, nClasses];
  const layers = widths.slice(1).map((width, i) => {
    const isOutput = i === widths.length - 2;
    return Dense.create(widths[i], width, isOutput ? 'none' : activation, options.initializer, rng, { backend });
  });
  const weights = layers.map((layer) => layer.weight);
  const biases = layers.map((layer) => layer.bias);
  // The L2 penalty λ·Σw² enters as weight decay 2λ on the weights only.
  const optimizers: Optimizer[] =
    options.optimizer === 'sgd'
      ? [new SGD(weights, { learningRate, momentum, nesterov, weightDecay: 2 * l2 }), new SGD(biases, { learningRate, momentum, nesterov })]
      : [new Adam(weights, { learningRate, weightDecay: 2 * l2 }), new Adam(biases, { learningRate })];
  return { layers, weights, optimizers };
}

/** Reads the parameters of trained layers back to the host, one read per weight and per bias. */
async function readHostLayers(layers: readonly Dense[]): Promise<HostLayer[]> {
  const hostLayers: HostLayer[] = [];
  for (const layer of layers) {
    hostLayers.push({
      shape: [layer.weight.shape[0], layer.weight.shape[1]],
      activation: layer.activation,
      weight: await layer.weight.data(),
      bias: await layer.bias.data(),
    });
  }
  return hostLayers;
}

function hostToDense(layer: HostLayer, backend: Backend): Dense {
  return new Dense(
    tensor(layer.weight, layer.shape, { backend, requiresGrad: true }),
    tensor(layer.bias, [layer.shape[1]], { backend, requiresGrad: true }),
    layer.activation,
  );
}

function takeLabels(y: Labels, order: Int32Array, start: number, end: number): Int32Array {
  const labels = new Int32Array(end - start);
  for (let r = start; r < end; r++) labels[r - start] = y[order[r]];
  return labels;
}
