import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MiascopeError } from '../src/errors.ts';
import type { Value } from './spec.ts';
import { trialKey, type PlannedTrial } from './trials.ts';

/**
 * results.jsonl: one JSON line per finished trial. Lines are appended and
 * flushed as trials finish, so a killed run loses at most the line it was
 * writing. At the end of a run, and after a merge, the file is rewritten in
 * canonical order. Every field but `seconds` depends only on the trial, so
 * two complete runs of the same trials give the same file up to `seconds`
 * whatever the worker count or sharding.
 */

export const RESULTS_FILE = 'results.jsonl';

/**
 * `ok`, or `failed` when the trial raised a MiascopeError (an impossible
 * configuration, a diverging fit), and then `error` contains its message.
 * Pruning is decided per point when results are aggregated, not per line.
 */
export type TrialStatus = 'ok' | 'failed';

/** One line of results.jsonl: the planned trial and what running it produced. */
export interface TrialRecord extends PlannedTrial {
  status: TrialStatus;
  /** Message of the MiascopeError of a failed trial. Absent when ok. */
  error?: string;
  /** Empty for a failed trial. Non-finite values are stored as null. */
  metrics: Record<string, number | null>;
  data: Record<string, Value>;
  /** Version of miascope that ran the trial. */
  miascope: string;
  /** Wall-clock time of the trial. The only field that differs between runs of the same trial. */
  seconds: number;
}

/** Serialises a record as one line (with its newline), fields in a fixed order. */
export function formatRecord(record: TrialRecord): string {
  const ordered: Record<string, unknown> = {
    experiment: record.experiment,
    dataset: record.dataset,
    protocol: record.protocol,
    profile: record.profile,
    pointIndex: record.pointIndex,
    point: record.point,
    trial: record.trial,
    seed: record.seed,
    status: record.status,
  };
  if (record.error !== undefined) ordered.error = record.error;
  ordered.metrics = record.metrics;
  ordered.data = record.data;
  ordered.miascope = record.miascope;
  ordered.seconds = record.seconds;
  return `${JSON.stringify(ordered)}\n`;
}

/** Orders records by experiment id, dataset, protocol, point and trial (code-unit order for strings). */
export function compareRecords(a: TrialRecord, b: TrialRecord): number {
  return (
    compareStrings(a.experiment, b.experiment) ||
    compareStrings(a.dataset, b.dataset) ||
    compareStrings(a.protocol, b.protocol) ||
    a.pointIndex - b.pointIndex ||
    a.trial - b.trial
  );
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Returns whether two records of the same trial agree on everything but `seconds`. */
export function sameResult(a: TrialRecord, b: TrialRecord): boolean {
  return formatRecord({ ...a, seconds: 0 }) === formatRecord({ ...b, seconds: 0 });
}

export interface ResultsFile {
  records: TrialRecord[];
  /** Bytes after the last newline: the torn line of a run killed mid-write, 0 when the file ends cleanly. */
  tornBytes: number;
  /** Length of the file up to and including its last newline. */
  completeBytes: number;
}

/**
 * Reads `folder/results.jsonl` (an absent file has no records). A last line
 * without its newline is the torn write of a killed run and is left out. Any
 * other line that is not a valid record raises a MiascopeError naming it.
 * Records of the same trial that differ raise one too.
 */
export function readResults(folder: string): ResultsFile {
  const path = join(folder, RESULTS_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornBytes: 0, completeBytes: 0 };
    throw new MiascopeError(`failed to read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the folder's permissions`);
  }
  const completeBytes = bytes.lastIndexOf(0x0a) + 1;
  const lines = bytes.subarray(0, completeBytes).toString('utf8').split('\n');
  lines.pop();
  const records = lines.map((line, index) => parseRecord(line, `${path}:${index + 1}`));
  return { records: deduplicate(records, path), tornBytes: bytes.length - completeBytes, completeBytes };
}

function parseRecord(line: string, where: string): TrialRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new MiascopeError(`${where} is not valid JSON; results.jsonl needs one JSON object per line, so remove or repair that line`);
  }
  const record = value as TrialRecord;
  const valid =
    typeof record === 'object' &&
    record !== null &&
    typeof record.experiment === 'string' &&
    typeof record.dataset === 'string' &&
    (record.protocol === 'sound' || record.protocol === 'paper') &&
    (record.profile === 'quick' || record.profile === 'paper') &&
    Number.isInteger(record.pointIndex) &&
    typeof record.point === 'object' &&
    record.point !== null &&
    Number.isInteger(record.trial) &&
    Number.isInteger(record.seed) &&
    (record.status === 'ok' || record.status === 'failed') &&
    typeof record.metrics === 'object' &&
    record.metrics !== null &&
    typeof record.data === 'object' &&
    record.data !== null &&
    typeof record.miascope === 'string' &&
    typeof record.seconds === 'number';
  if (!valid) {
    throw new MiascopeError(`${where} is not a trial record of miascope experiment run (a field is missing or has the wrong type); remove that line`);
  }
  return record;
}

/** Drops repeated records of a trial when they agree, and raises a MiascopeError when they do not. */
function deduplicate(records: TrialRecord[], source: string): TrialRecord[] {
  const byKey = new Map<string, TrialRecord>();
  for (const record of records) {
    const key = trialKey(record);
    const earlier = byKey.get(key);
    if (earlier === undefined) {
      byKey.set(key, record);
    } else if (!sameResult(earlier, record)) {
      throw new MiascopeError(
        `${source} contains two different results for trial ${record.trial} of ${record.experiment} on ${record.dataset} ` +
          `(${record.protocol} protocol, point ${JSON.stringify(record.point)}); they come from different code or settings, so keep the results of one run only`,
      );
    }
  }
  return [...byKey.values()];
}

/**
 * Checks that all `records` come from one profile and one miascope version,
 * which results.jsonl and its report assume. `source` names where they come
 * from in the error.
 */
export function checkConsistent(records: readonly TrialRecord[], source: string): void {
  const first = records[0];
  if (first === undefined) return;
  for (const record of records) {
    if (record.profile !== first.profile || record.miascope !== first.miascope) {
      throw new MiascopeError(
        `${source} mixes results of profile ${first.profile} from miascope ${first.miascope} with results of profile ${record.profile} ` +
          `from miascope ${record.miascope}; keep each profile and version in its own output folder`,
      );
    }
  }
}

/** Cuts a torn last line off `folder/results.jsonl`, so appended lines start on a line of their own. */
export function truncateTornLine(folder: string, file: ResultsFile): void {
  if (file.tornBytes > 0) truncateSync(join(folder, RESULTS_FILE), file.completeBytes);
}

/** Appends records to results.jsonl, each written and flushed to disk before the next. */
export class ResultsAppender {
  private readonly fd: number;

  constructor(folder: string) {
    this.fd = openSync(join(folder, RESULTS_FILE), 'a');
  }

  append(record: TrialRecord): void {
    writeSync(this.fd, formatRecord(record));
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Rewrites `folder/results.jsonl` with `records` in canonical order, atomically. */
export function writeCanonicalResults(folder: string, records: readonly TrialRecord[]): void {
  writeFileAtomic(join(folder, RESULTS_FILE), [...records].sort(compareRecords).map(formatRecord).join(''));
}

/**
 * Writes `content` to `path` through a temporary file in the same folder and
 * a rename, so a killed process leaves the old file or the new one, never half.
 */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new MiascopeError(`failed to write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose a writable folder with --out DIR)`);
  }
}

/**
 * Joins the results.jsonl files of `shardFolders` (and of `out`, if it contains
 * one) into `out/results.jsonl` in canonical order. A trial present in
 * several files must have the same result in each. A torn last line of a
 * killed shard is left out. Returns the number of trials written.
 */
export function mergeResults(out: string, shardFolders: readonly string[]): number {
  const sources = [out, ...shardFolders];
  const byKey = new Map<string, { record: TrialRecord; source: string }>();
  for (const folder of sources) {
    const file = readResults(folder);
    if (file.records.length === 0 && folder !== out && file.tornBytes === 0) {
      throw new MiascopeError(`${join(folder, RESULTS_FILE)} is missing or empty; give the --out folders of the shard runs`);
    }
    for (const record of file.records) {
      const key = trialKey(record);
      const earlier = byKey.get(key);
      if (earlier === undefined) {
        byKey.set(key, { record, source: folder });
      } else if (!sameResult(earlier.record, record)) {
        throw new MiascopeError(
          `${earlier.source} and ${folder} contain different results for trial ${record.trial} of ${record.experiment} on ${record.dataset} ` +
            `(${record.protocol} protocol, point ${JSON.stringify(record.point)}); they come from different code or settings, so merge shards of one run only`,
        );
      }
    }
  }
  const records = [...byKey.values()].map((entry) => entry.record);
  checkConsistent(records, `the folders ${sources.join(', ')}`);
  writeCanonicalResults(out, records);
  return records.length;
}
