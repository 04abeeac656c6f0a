import type { BackendName } from '../../engine/backend/select.ts';
import { MiascopeError } from '../errors.ts';
import { AnnClassifier } from './ann.ts';
import { KnnClassifier } from './knn.ts';
import { LogisticRegression } from './lr.ts';
import { RandomForestClassifier } from './rf.ts';
import { SvmClassifier } from './svm.ts';
import type { Classifier, ModelJSON } from './classifier.ts';
import { ModelOptionError } from './validate.ts';

/**
 * The model families by name: how to build one from options and how to
 * restore one from its JSON. Options are each family's own (AnnOptions, …);
 * every family takes `seed`.
 */
interface ModelFamily {
  /** Builds an unfitted model. `backend` is where it computes, and only the ANN reads it because the other families run on the CPU. */
  create(options: Record<string, unknown>, backend: BackendName): Classifier;
  fromJSON(json: ModelJSON): Classifier;
  /** Full name, for messages and reports. */
  description: string;
}

const FAMILIES = {
  ann: {
    create: (options, backend) => new AnnClassifier(options, backend),
    fromJSON: (json) => AnnClassifier.fromJSON(json),
    description: 'multilayer perceptron',
  },
  lr: {
    create: (options) => new LogisticRegression(options),
    fromJSON: (json) => LogisticRegression.fromJSON(json),
    description: 'logistic regression, L2, L-BFGS',
  },
  svm: {
    create: (options) => new SvmClassifier(options),
    fromJSON: (json) => SvmClassifier.fromJSON(json),
    description: 'RBF support vector machine, SMO, Platt probabilities',
  },
  rf: {
    create: (options) => new RandomForestClassifier(options),
    fromJSON: (json) => RandomForestClassifier.fromJSON(json),
    description: 'random forest of CART trees',
  },
  knn: {
    create: (options) => new KnnClassifier(options),
    fromJSON: (json) => KnnClassifier.fromJSON(json),
    description: 'k-nearest neighbours',
  },
} satisfies Record<string, ModelFamily>;

export type ModelName = keyof typeof FAMILIES;
export const MODEL_NAMES = Object.keys(FAMILIES) as ModelName[];

function family(name: string): ModelFamily {
  if (!isModelName(name)) {
    throw new MiascopeError(`unknown model ${JSON.stringify(name)}; choose one of ${MODEL_NAMES.join(', ')}`);
  }
  return FAMILIES[name];
}

/** Tests whether `name` is a model family, excluding inherited keys such as `constructor`. */
export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(FAMILIES, name);
}

/**
 * Builds an unfitted model of the named family. Raises MiascopeError for an
 * option name the family does not have, since a misspelt option would
 * otherwise be ignored without a word. Besides the family's options, every
 * family accepts `backend`, 'cpu' (default) or 'webgpu', where an ANN
 * trains and predicts. The other families ignore it.
 */
export function createModel(name: string, given: Record<string, unknown> = {}): Classifier {
  const { backend = 'cpu', ...options } = given;
  if (backend !== 'cpu' && backend !== 'webgpu') {
    throw new MiascopeError(`${name}: backend ${JSON.stringify(backend)} is invalid; choose cpu or webgpu`);
  }
  const modelFamily = family(name);
  const model = modelFamily.create(options, backend);
  // The options of a model built with none are exactly the family's defaults, so their names are the valid ones.
  const known = (modelFamily.create({}, 'cpu') as Classifier & { options?: object }).options;
  if (known !== undefined) {
    const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key));
    if (unknown.length > 0) {
      const names = Object.keys(known).join(', ');
      throw new ModelOptionError(`${name}: unknown option ${unknown.join(', ')}; options are ${names}`, unknown[0], undefined, names, 'unknown');
    }
  }
  return model;
}

/** Restores a fitted model from its `toJSON()` output, by the `model` field. */
export function modelFromJSON(json: ModelJSON): Classifier {
  return family(json.model).fromJSON(json);
}

export function describeModel(name: ModelName): string {
  return FAMILIES[name].description;
}
