import { MiascopeError } from '../errors.ts';
import { createModel, isModelName, MODEL_NAMES, type ModelName } from '../models/registry.ts';
import { ModelOptionError } from '../models/validate.ts';

/** Model family options by family, as `--set FAMILY.NAME=VALUE` gives them. */
export type FamilyOptions = Partial<Record<ModelName, Record<string, unknown>>>;

/**
 * Parses repeated `--set FAMILY.NAME=VALUE` options. A value that parses as
 * JSON (a number, true, a list) is taken as that, anything else as a string.
 * Every setting is checked against its family's option rules, whether or not
 * the run trains that family, so that a misspelt name or a bad value is
 * rejected before any work instead of being ignored.
 */
export function familyOptionsFrom(settings: string[]): FamilyOptions {
  const options: FamilyOptions = {};
  for (const setting of settings) {
    const match = /^([a-z]+)\.([A-Za-z]+)=(.*)$/.exec(setting);
    if (match === null) {
      throw new MiascopeError(`--set ${JSON.stringify(setting)} is invalid; write FAMILY.NAME=VALUE, e.g. --set knn.k=1`);
    }
    const [, family, name, text] = match;
    if (!isModelName(family)) {
      throw new MiascopeError(`--set ${JSON.stringify(setting)}: unknown model family ${family}; choose one of ${MODEL_NAMES.join(', ')}`);
    }
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: keep the text, e.g. an activation name.
    }
    checkSetting(family, { [name]: value });
    (options[family] ??= {})[name] = value;
  }
  // Options that are valid one by one may still conflict with each other.
  for (const [family, given] of Object.entries(options)) checkSetting(family as ModelName, given);
  return options;
}

/** Builds a model of `family` with `given` to apply its option rules, and restates a rejection as a --set error. */
function checkSetting(family: ModelName, given: Record<string, unknown>): void {
  try {
    createModel(family, given);
  } catch (error) {
    if (!(error instanceof ModelOptionError)) throw error;
    const value = given[error.option];
    const setting = `--set ${family}.${error.option}=${JSON.stringify(value)}`;
    throw new MiascopeError(
      error.kind === 'unknown'
        ? `${setting} is invalid: ${family} has no option ${error.option}; its options are ${error.accepted}`
        : `${setting} is invalid: ${error.option} must be ${error.accepted}`,
    );
  }
}
