import { BINARIZATIONS, type Binarization, type DatasetOptions } from '../data/datasets.ts';
import { MISSING_POLICIES, type MissingPolicy } from '../data/table.ts';
import { MiascopeError } from '../errors.ts';

/** Options that choose and read a dataset, shared by every command that loads one. */
export const DATASET_OPTIONS = {
  dataset: { type: 'string' },
  'data-path': { type: 'string' },
  label: { type: 'string' },
  positive: { type: 'string' },
  binarize: { type: 'string' },
  missing: { type: 'string' },
} as const;

export const DATASET_HELP = `  --dataset NAME|FILE.csv   adult (default, the shipped UCI Adult), texas,
                            purchase, or a CSV file with a header row
  --data-path FILE          the Texas or Purchase file (CSV, or the .tar.gz its
                            authors publish); default: Texas.csv or Texas.tar.gz
                            (Purchase likewise) in the folder named by
                            MIASCOPE_DATA_DIR
  --label COL               label column (Adult: income; Texas, Purchase: class)
  --positive VALUE          label value of the positive class (Adult: >50K;
                            Texas, Purchase: 1); a two-valued label without it
                            takes the second value in sorted order
  --binarize gmm            replace the label by the cluster of a 2-component
                            Gaussian mixture fit on the encoded features
  --missing POLICY          rows with a missing cell (empty, ?, NA, NaN):
                            drop-rows (default), error, or impute
`;

interface DatasetValues {
  dataset?: string;
  'data-path'?: string;
  label?: string;
  positive?: string;
  binarize?: string;
  missing?: string;
}

/** Returns the dataset name and loader options for parsed command-line values; `seed` seeds --binarize gmm. */
export function datasetFromOptions(values: DatasetValues, seed: string | number): { dataset: string; options: DatasetOptions } {
  return {
    dataset: values.dataset ?? 'adult',
    options: {
      path: values['data-path'],
      label: values.label,
      positive: values.positive,
      binarize: choiceOption('binarize', values.binarize, BINARIZATIONS) as Binarization | undefined,
      binarizeSeed: seed,
      missingPolicy: choiceOption('missing', values.missing, MISSING_POLICIES) as MissingPolicy | undefined,
    },
  };
}

/** Parses an option limited to `choices`. Returns undefined when it is absent. */
export function choiceOption(name: string, value: string | undefined, choices: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value)) {
    throw new MiascopeError(`--${name} ${JSON.stringify(value)} is invalid; use one of ${choices.join(', ')}`);
  }
  return value;
}
