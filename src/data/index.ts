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
export {
  ADULT_COLUMNS,
  BINARIZATIONS,
  DATA_DIR_VARIABLE,
  loadDataset,
  type Binarization,
  type Dataset,
  type DatasetOptions,
  type ExternalDatasetName,
} from './datasets.ts';
export * from './samplers.ts';
export * from './gmm.ts';
export { readTarMembers, type TarMember } from './tar.ts';
