export { parseCsv, type CsvData, type CsvOptions } from './csv.ts';
export {
  buildTable,
  compareStrings,
  DEFAULT_MISSING_VALUES,
  findColumn,
  MISSING_POLICIES,
  parseNumber,
  type CategoricalColumn,
  type Column,
  type ColumnKind,
  type MissingPolicy,
  type NumericColumn,
  type Table,
  type TableBuild,
  type TableOptions,
} from './table.ts';
export { splitLabel, type LabelOptions, type LabelSplit } from './label.ts';
export {
  CATEGORICAL_ENCODINGS,
  encoderFromState,
  fitEncoder,
  NUMERIC_ENCODINGS,
  type CategoricalColumnEncoding,
  type CategoricalEncoding,
  type ColumnEncoding,
  type Encoder,
  type EncoderOptions,
  type EncoderState,
  type NumericColumnEncoding,
  type NumericEncoding,
} from './encode.ts';
export { splitRows, splitRowsStratified } from './split.ts';
export { ADULT_COLUMNS, loadDataset, type Dataset, type DatasetOptions } from './datasets.ts';
