import { MiascopeError } from '../errors.ts';
import { BINARIZATIONS, loadDataset, type Binarization, type Dataset } from '../data/datasets.ts';
import { MISSING_POLICIES, type MissingPolicy } from '../data/table.ts';
import { dataProperties, type DataProperties } from '../properties/data.ts';
import { integerOption, parseOptions } from './args.ts';

export const PROPERTIES_HELP = `Usage: miascope properties [options]

Measures the data properties of a dataset: size, class balance, feature
balance, number of features and entropy, with the features that carry the
most mutual information with the label. Numeric columns are discretised into
equal-frequency bins first.

Options:
  --dataset NAME|FILE.csv   adult (default, shipped), texas, purchase, or a CSV file
  --data-path FILE          the Texas or Purchase file (CSV, or the .tar.gz its
                            authors publish); default: Texas.csv or Texas.tar.gz
                            (Purchase likewise) in the folder named by
                            MIASCOPE_DATA_DIR
  --label COL               label column (Adult: income; Texas, Purchase: class)
  --positive VALUE          label value of the positive class (Adult: >50K;
                            Texas, Purchase: 1)
  --binarize gmm            replace the label by the cluster of a 2-component
                            Gaussian mixture fit on the encoded features
  --seed S                  seed of --binarize gmm (default: 0)
  --missing POLICY          rows with a missing cell (empty, ?, NA, NaN):
                            drop-rows (default), error, or impute
  --bins N                  equal-frequency bins per numeric column (default: 10)
  --json                    print the result as JSON instead of the summary
  -h, --help                show this help
`;

const OPTIONS = {
  dataset: { type: 'string' },
  'data-path': { type: 'string' },
  label: { type: 'string' },
  positive: { type: 'string' },
  binarize: { type: 'string' },
  seed: { type: 'string' },
  missing: { type: 'string' },
  bins: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Result object that `miascope properties --json` prints. */
export interface PropertiesResult {
  dataset: {
    name: string;
    /** Rows measured, after dropping rows with a missing cell. */
    rows: number;
    rowsRead: number;
    droppedRows: number;
    labelColumn: string;
    classNames: [negative: string, positive: string];
    classCounts: [negative: number, positive: number];
  };
  properties: DataProperties;
}

export async function propertiesCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions('properties', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(PROPERTIES_HELP);
    return;
  }
  if (positionals.length > 0) {
    throw new MiascopeError(
      `properties: unexpected argument ${JSON.stringify(positionals[0])}; options start with -- (see miascope properties --help)`,
    );
  }

  const bins = integerOption('bins', values.bins, 2);
  const dataset = loadDataset(values.dataset ?? 'adult', {
    path: values['data-path'],
    label: values.label,
    positive: values.positive,
    binarize: binarizeOption(values.binarize),
    binarizeSeed: values.seed ?? 0,
    missingPolicy: missingPolicyOption(values.missing),
  });
  const result: PropertiesResult = { dataset: describeDataset(dataset), properties: dataProperties(dataset, { bins }) };
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatProperties(result));
}

/** Parses `--binarize`, shared with `miascope audit`. Returns undefined when it is absent. */
export function binarizeOption(value: string | undefined): Binarization | undefined {
  if (value === undefined) return undefined;
  if (!(BINARIZATIONS as readonly string[]).includes(value)) {
    throw new MiascopeError(`--binarize ${JSON.stringify(value)} is invalid; use one of ${BINARIZATIONS.join(', ')}`);
  }
  return value as Binarization;
}

function missingPolicyOption(value: string | undefined): MissingPolicy | undefined {
  if (value === undefined) return undefined;
  if (!(MISSING_POLICIES as readonly string[]).includes(value)) {
    throw new MiascopeError(`--missing ${JSON.stringify(value)} is invalid; use one of ${MISSING_POLICIES.join(', ')}`);
  }
  return value as MissingPolicy;
}

function describeDataset(dataset: Dataset): PropertiesResult['dataset'] {
  return {
    name: dataset.name,
    rows: dataset.features.rows,
    rowsRead: dataset.rowsRead,
    droppedRows: dataset.droppedRows,
    labelColumn: dataset.labelColumn,
    classNames: dataset.classNames,
    classCounts: dataset.classCounts,
  };
}

const count = (value: number): string => value.toLocaleString('en-US');

/** Formats the human-readable summary printed on stdout. */
export function formatProperties(result: PropertiesResult): string {
  const { dataset, properties } = result;
  const balance = properties.featureBalance;
  const dropped = dataset.droppedRows > 0 ? ` (${count(dataset.droppedRows)} of ${count(dataset.rowsRead)} dropped for a missing cell)` : '';
  const lines = [
    `miascope properties: ${dataset.name}, ${count(dataset.rows)} records${dropped}, label ${dataset.labelColumn} (positive: ${dataset.classNames[1]})`,
    '',
    `size                ${count(properties.size)} records`,
    `class balance       ${properties.classBalancePercent.toFixed(2)}% ${dataset.classNames[1]}`,
    `feature balance     ${balance.percent.toFixed(2)}% of records carry c*; P[x = c*] / P[x ≠ c*] = ${balance.ratio.toFixed(4)}`,
    `  c*                ${balance.features.map((name, t) => `${name}: ${balance.values[t]}`).join(', ')}`,
    `number of features  ${properties.featureCount}`,
    `entropy H_D         ${properties.entropyBits.toFixed(4)} bits (mean over features; numeric columns in ${properties.bins} equal-frequency bins)`,
    '',
    `Top ${properties.topFeatures.length} features by mutual information with the label:`,
    ...alignScores(properties.topFeatures),
    '',
    'Entropy of each feature:',
    ...alignScores(properties.featureEntropy),
  ];
  return lines.join('\n') + '\n';
}

function alignScores(scores: readonly { name: string; bits: number }[]): string[] {
  const width = Math.max(...scores.map((score) => score.name.length));
  return scores.map((score) => `  ${score.name.padEnd(width)}  ${score.bits.toFixed(4)} bits`);
}
