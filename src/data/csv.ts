// CsvError comes from the same entry point as parse: under CommonJS the
// package's main and sync entries are separate bundles with distinct classes.
import { CsvError, parse, type Options as ParserOptions } from 'csv-parse/sync';

import { MiascopeError } from '../errors.ts';

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** File name or other label used in error messages. Default `'CSV input'`. */
  source?: string;
  /** Field separator. Default `','`. */
  delimiter?: string;
  /** Whether the first record is a header row of column names. Default `true`. */
  header?: boolean;
  /** Column names when `header` is false (required then, ignored otherwise). */
  columns?: string[];
  /** Number of lines to skip before the header or the first record. Default 0. */
  skipLines?: number;
}

/** Parsed CSV: column names and records of trimmed string fields. */
export interface CsvData {
  source: string;
  columns: string[];
  /** One array of `columns.length` fields per record, empty lines excluded. */
  rows: string[][];
  /**
   * Returns the 1-based line number of the file on which record `index` of
   * `rows` ends. The first call parses the text again, so the normal path pays
   * nothing for line numbers and only error messages use them.
   */
  lineOf(index: number): number;
}

/**
 * Parses CSV text with csv-parse. Quoted fields may contain delimiters, line
 * breaks and doubled quotes (`""`). Lines may end in LF or CRLF, and a UTF-8
 * byte order mark is dropped. Whitespace around each field is trimmed, because
 * UCI Adult separates fields with `", "`. Empty or whitespace-only lines are
 * skipped.
 *
 * Raises MiascopeError when the input has no records, has a header but no data
 * rows, has an empty or missing column name, is not valid CSV, or has a record
 * whose field count differs from the number of columns.
 */
export function parseCsv(text: string | Uint8Array, options: CsvOptions = {}): CsvData {
  const source = options.source ?? 'CSV input';
  const header = options.header ?? true;
  const skipLines = options.skipLines ?? 0;
  if (!header && options.columns === undefined) {
    throw new MiascopeError(`${source}: no header row and no column names given (pass columns, or set header to true)`);
  }

  // Field counts are checked below rather than by csv-parse, so that the
  // message can name the expected count and the line of the offending record.
  const parserOptions: ParserOptions = {
    delimiter: options.delimiter ?? ',',
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    from_line: skipLines + 1,
  };
  const records = parseRecords(text, parserOptions, source);

  if (records.length === 0) {
    throw new MiascopeError(`${source} is empty: it contains no CSV records (give a file with a header row and data rows)`);
  }

  const columns = header ? records[0] : options.columns!;
  const rows = header ? records.slice(1) : records;
  const headerRecords = header ? 1 : 0;
  let lines: Int32Array | null = null;
  const lineOf = (index: number): number => {
    lines ??= recordLines(text, parserOptions);
    return lines[index + headerRecords];
  };

  if (header && rows.length === 0) {
    throw new MiascopeError(`${source} has a header row but no data rows (give a file with at least one record after the header)`);
  }
  const emptyName = columns.indexOf('');
  if (emptyName >= 0) {
    throw new MiascopeError(`${source}: column ${emptyName + 1} of ${columns.length} has an empty name (name every column in the header row)`);
  }

  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== columns.length) {
      throw new MiascopeError(
        `${source} line ${lineOf(i)}: expected ${columns.length} fields, found ${rows[i].length} ` +
          `(every row needs one field per column; check the delimiter and the quoting on that line)`,
      );
    }
  }

  return { source, columns, rows, lineOf };
}

function parseRecords(text: string | Uint8Array, parserOptions: ParserOptions, source: string): string[][] {
  try {
    return parse(text, parserOptions);
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse reports the line where the input ends, not where the quote opens.
      throw new MiascopeError(
        `${source}: invalid CSV: a quoted field is never closed, so the file ends inside quotes (look for a field with an unmatched " and double any quote inside a quoted field)`,
      );
    }
    if (error instanceof CsvError) {
      throw new MiascopeError(`${source}: invalid CSV: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Parses `text` again and returns the line on which each record ends.
 * NOTE: in a file that mixes LF and CRLF endings, csv-parse 7 counts each CR as
 * an extra line, so numbers after the first CRLF are too high by one per CR.
 */
function recordLines(text: string | Uint8Array, parserOptions: ParserOptions): Int32Array {
  const lines: number[] = [];
  parse(text, {
    ...parserOptions,
    on_record: (record: string[], context) => {
      lines.push(context.lines);
      return record;
    },
  });
  return Int32Array.from(lines);
}
