import type { Labels, Matrix } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';

/** A rule for one option: a check and the accepted set, for the error message. */
export interface OptionRule {
  check: (value: unknown) => boolean;
  accepted: string;
}

export const positiveInteger: OptionRule = {
  check: (v) => Number.isInteger(v) && (v as number) > 0,
  accepted: 'an integer ≥ 1',
};
export const positiveNumber: OptionRule = {
  check: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  accepted: 'a finite number > 0',
};
export const nonNegativeNumber: OptionRule = {
  check: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  accepted: 'a finite number ≥ 0',
};
export const unitInterval: OptionRule = {
  check: (v) => typeof v === 'number' && v >= 0 && v < 1,
  accepted: 'a number in [0, 1)',
};
export const trueOrFalse: OptionRule = {
  check: (v) => typeof v === 'boolean',
  accepted: 'true or false',
};
export function oneOf(...values: string[]): OptionRule {
  return { check: (v) => values.includes(v as string), accepted: `one of ${values.map((v) => `'${v}'`).join(', ')}` };
}
export function listOf(rule: OptionRule): OptionRule {
  return { check: (v) => Array.isArray(v) && v.every((item) => rule.check(item)), accepted: `a list whose items are each ${rule.accepted}` };
}

/**
 * A model option that is unknown to its family or has an invalid value. The
 * fields let a caller restate the error in its own terms, as the CLI does
 * for `--set FAMILY.NAME=VALUE`.
 */
export class ModelOptionError extends MiascopeError {
  constructor(
    message: string,
    /** The option's name. */
    readonly option: string,
    /** The value given, or undefined for an unknown name. */
    readonly value: unknown,
    /** Description of the accepted values, or for an unknown name the family's option names. */
    readonly accepted: string,
    readonly kind: 'invalid' | 'unknown',
  ) {
    super(message);
  }
}

/** Checks every option against its rule. The first failure raises an error naming the model, the option, the value and the accepted set. */
export function validateOptions<T extends object>(model: string, options: T, rules: { [K in keyof T]?: OptionRule }): void {
  for (const key of Object.keys(rules) as Array<keyof T>) {
    const rule = rules[key]!;
    const value = options[key];
    if (!rule.check(value)) {
      throw new ModelOptionError(
        `${model}: option ${String(key)} = ${JSON.stringify(value)} is invalid; expected ${rule.accepted}`,
        String(key),
        value,
        rule.accepted,
        'invalid',
      );
    }
  }
}

/**
 * Checks training data at the start of fit: shapes agree, every feature is
 * finite, labels are class indices and at least two classes occur.
 * Returns the number of classes (largest label + 1).
 */
export function validateTrainingData(model: string, x: Matrix, y: Labels): number {
  if (x.rows !== y.length) {
    throw new MiascopeError(`${model}.fit: x has ${x.rows} rows but y has ${y.length} labels`);
  }
  if (x.rows === 0) throw new MiascopeError(`${model}.fit: the training set is empty`);
  validateFeatures(`${model}.fit`, x);

  let maxLabel = 0;
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (label < 0) throw new MiascopeError(`${model}.fit: label ${label} at row ${i} is negative; labels must be class indices 0, 1, …`);
    seen.add(label);
    if (label > maxLabel) maxLabel = label;
  }
  if (seen.size < 2) {
    throw new MiascopeError(`${model}.fit: the training labels contain a single class (${[...seen][0]}); give training data with at least two classes`);
  }
  return maxLabel + 1;
}

/** Rejects NaN and infinite features, naming the first row and column. */
export function validateFeatures(where: string, x: Matrix): void {
  const { data, cols } = x;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new MiascopeError(`${where}: feature ${i % cols} of row ${Math.floor(i / cols)} is ${data[i]}; impute or drop missing values first`);
    }
  }
}

/** Returns a model's fitted state, or raises an error naming the class and the call to make first. */
export function requireFitted<T>(className: string, state: T | null, call: string): T {
  if (state === null) throw new MiascopeError(`${className}.${call}: the model is not fitted; call fit(x, y) first`);
  return state;
}

/** Raises unless `json` was written by the model `model` in format `formatVersion`. */
export function checkModelJSON(className: string, json: { model: string; formatVersion: number }, model: string, formatVersion = 1): void {
  if (json.model !== model || json.formatVersion !== formatVersion) {
    throw new MiascopeError(
      `${className}.fromJSON: expected model '${model}' format ${formatVersion}, got model '${json.model}' format ${json.formatVersion}`,
    );
  }
}
