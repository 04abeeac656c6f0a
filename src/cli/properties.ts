import { loadDataset, type Dataset } from '../data/datasets.ts';
import { dataProperties, type DataProperties } from '../properties/data.ts';
import { integerOption, parseCommand } from './args.ts';
import { DATASET_HELP, DATASET_OPTIONS, datasetFromOptions } from './dataset-options.ts';

export const PROPERTIES_HELP = `Usage: miascope properties [options]

Measures the data properties of a dataset: size, class balance, feature
balance, number of features and entropy, with the features that carry the
most mutual information with the label. Numeric columns are discretised into
equal-frequency bins first.

Options:
${DATASET_HELP}  --seed S                  seed of --binarize gmm (default: 0)
  --bins N                  equal-frequency bins per numeric column (default: 10)
  --json                    print the result as JSON instead of the summary
  --quiet                   no progress output on stderr (accepted for
                            symmetry with the other commands; properties
                            writes none)
  -h, --help                show this help
`;

const OPTIONS = {
  ...DATASET_OPTIONS,
  seed: { type: 'string' },
  bins: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
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
  const values = parseCommand('properties', argv, OPTIONS, PROPERTIES_HELP);
  if (values === undefined) return;

  const bins = integerOption('bins', values.bins, 2);
  const { dataset: name, options } = datasetFromOptions(values, values.seed ?? 0);
  const dataset = loadDataset(name, options);
  const result: PropertiesResult = { dataset: describeDataset(dataset), properties: dataProperties(dataset, { bins }) };
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatProperties(result));
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
