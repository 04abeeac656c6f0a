import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DatasetOptions } from '../src/data/datasets.ts';
import { DATA_DIR_VARIABLE } from '../src/data/datasets.ts';
import { MiascopeError } from '../src/errors.ts';
import { resolveBackendChoice, type BackendChoice } from '../src/models/backend-choice.ts';
import { defaultThreads, moduleUrl, WorkerPool } from '../src/parallel/tasks.ts';
import { packageVersion } from '../src/paths.ts';
import { checkConsistent, compareRecords, readResults, RESULTS_FILE, ResultsAppender, truncateTornLine, writeCanonicalResults, type TrialRecord } from './results.ts';
import type { ExperimentSpec, Profile, Protocol } from './spec.ts';
import { runPlannedTrial } from './trial-task.ts';
import { expandTrials, selectShard, trialKey, type PlannedTrial, type Shard } from './trials.ts';

/**
 * Runs the trials of experiment specs on worker threads, appending each
 * result to `out/results.jsonl` as it finishes. A rerun with the same `out`
 * skips the trials already there, so a killed run resumes where it stopped.
 */

export interface RunExperimentsOptions {
  /** Specs to run, in run order. The registry must find each by id. Specs with `pools` have no trials. */
  experiments: readonly ExperimentSpec[];
  profile: Profile;
  protocol: Protocol;
  /** Datasets to run every experiment on. Default: each experiment's profile datasets. */
  datasets?: readonly string[];
  /** Folder of the Texas and Purchase files (`Texas.csv` or `Texas.tar.gz`, likewise Purchase). Default: MIASCOPE_DATA_DIR. */
  dataDir?: string;
  /** Worker threads. Default: the number of CPU cores. 1 runs the trials on the calling thread. */
  workers?: number;
  /**
   * Device on which the trials' ANN target and shadow models train. Default `cpu`, so that
   * results do not depend on the machine. With `webgpu` every worker thread opens a
   * WebGPU device of its own, because Dawn's Node bindings do not share one across threads.
   */
  backend?: BackendChoice;
  /** Callback that receives the line naming the adapter when the backend choice probed one. The library itself prints nothing. */
  onLog?: (message: string) => void;
  /** Run only this shard of the trial list. */
  shard?: Shard;
  /** Output folder, which receives results.jsonl. */
  out: string;
  /** Called once before the first trial and after each finished trial. */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  /** Trials finished by this run. */
  done: number;
  /** Trials this run has to do: the shard's trials minus those already in results.jsonl. */
  total: number;
  /** The shard's trials found in results.jsonl, skipped. */
  skipped: number;
}

export interface RunSummary {
  /** Trials of the shard (all trials without --shard). */
  planned: number;
  skipped: number;
  ran: number;
  /** Trials of this run that ended with a MiascopeError. */
  failed: number;
  /** Every record of results.jsonl after the run, in canonical order. */
  records: TrialRecord[];
}

const DATASET_NAMES = ['adult', 'texas', 'purchase'];
const EXTERNAL_FILE_STEMS: Record<string, string> = { texas: 'Texas', purchase: 'Purchase' };
/** File that marks an output folder as in use by a run. It contains `<pid> <hostname>`. */
export const LOCK_FILE = '.miascope-run.lock';

/** Runs the pending trials of `options.experiments` into `options.out`, holding the folder's lock throughout. */
export async function runExperiments(options: RunExperimentsOptions): Promise<RunSummary> {
  const planned = selectShard(expandTrials(options.experiments, options.profile, options.protocol, options.datasets), options.shard);
  const backend = options.backend ?? 'cpu';
  // A missing adapter is a MiascopeError before the first trial, not a failed record per trial.
  if (backend === 'webgpu') await resolveBackendChoice('webgpu', 0, options.onLog);
  const datasetOptions = new Map<string, DatasetOptions>();
  for (const trial of planned) {
    if (!datasetOptions.has(trial.dataset)) datasetOptions.set(trial.dataset, locateDataset(trial.dataset, options.dataDir));
  }

  try {
    mkdirSync(options.out, { recursive: true });
  } catch (error) {
    throw new MiascopeError(`failed to create output folder ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose a writable folder with --out DIR)`);
  }
  const releaseLock = acquireLock(options.out);
  try {
    const file = readResults(options.out);
    checkConsistent(file.records, join(options.out, RESULTS_FILE));
    checkSameConfiguration(file.records, options);
    const present = new Map(file.records.map((record) => [trialKey(record), record]));
    for (const trial of planned) checkSameTrial(present.get(trialKey(trial)), trial, options.out);
    truncateTornLine(options.out, file);

    const pending = planned.filter((trial) => !present.has(trialKey(trial)));
    const records = [...file.records];
    let failed = 0;
    const progress = { done: 0, total: pending.length, skipped: planned.length - pending.length };
    options.onProgress?.({ ...progress });

    if (pending.length === 0) {
      // Nothing to append, but a run killed after its last trial may have left the file out of canonical order.
      if (!isCanonical(file.records)) writeCanonicalResults(options.out, file.records);
      return { planned: planned.length, skipped: progress.skipped, ran: 0, failed: 0, records: [...file.records].sort(compareRecords) };
    }

    const appender = new ResultsAppender(options.out);
    let open = true;
    const finish = (record: TrialRecord): void => {
      // A pool lane can still deliver a result after another lane's bug stopped the run.
      if (!open) return;
      appender.append(record);
      records.push(record);
      if (record.status === 'failed') failed++;
      progress.done++;
      options.onProgress?.({ ...progress });
    };
    try {
      await runPending(pending, datasetOptions, backend, options.workers ?? defaultThreads(), finish);
    } finally {
      open = false;
      appender.close();
    }

    writeCanonicalResults(options.out, records);
    return { planned: planned.length, skipped: progress.skipped, ran: pending.length, failed, records: readResults(options.out).records };
  } finally {
    releaseLock();
  }
}

function isCanonical(records: readonly TrialRecord[]): boolean {
  return records.every((record, index) => index === 0 || compareRecords(records[index - 1], record) < 0);
}

async function runPending(
  pending: PlannedTrial[],
  datasetOptions: Map<string, DatasetOptions>,
  backend: BackendChoice,
  workers: number,
  finish: (record: TrialRecord) => void,
): Promise<void> {
  const threads = Math.min(workers, pending.length);
  const inputOf = (trial: PlannedTrial) => ({ datasetOptions: datasetOptions.get(trial.dataset) ?? {}, backend });
  if (threads <= 1) {
    for (const trial of pending) finish(await runPlannedTrial(trial, inputOf(trial)));
    return;
  }
  const module = moduleUrl('./trial-task.ts', import.meta.url);
  const pool = await WorkerPool.start(threads, [module]);
  try {
    const tasks = pending.map((trial) => ({ module, name: 'runPlannedTrial', args: [trial, inputOf(trial)] }));
    await pool.run<TrialRecord>(tasks, undefined, (_, record) => finish(record));
  } finally {
    await pool.close();
  }
}

/**
 * Returns the loader options of a dataset of a run, or raises a MiascopeError
 * before any trial starts when its file cannot be found.
 */
function locateDataset(dataset: string, dataDir: string | undefined): DatasetOptions {
  if (!DATASET_NAMES.includes(dataset)) {
    throw new MiascopeError(`unknown dataset ${JSON.stringify(dataset)} for an experiment; use one of ${DATASET_NAMES.join(', ')}`);
  }
  const stem = EXTERNAL_FILE_STEMS[dataset];
  if (stem === undefined) return {};
  const folder = dataDir ?? process.env[DATA_DIR_VARIABLE];
  if (folder === undefined || folder === '') {
    throw new MiascopeError(
      `missing data folder for ${dataset}: miascope does not ship its data file, so give the folder containing ${stem}.csv or ${stem}.tar.gz with --data-path DIR or ${DATA_DIR_VARIABLE}`,
    );
  }
  const candidates = [`${stem}.csv`, `${stem}.tar.gz`].map((name) => join(folder, name));
  const path = candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
  if (path === undefined) throw new MiascopeError(`${dataset} data file not found: neither ${candidates.join(' nor ')} exists; give the folder containing it with --data-path DIR`);
  return { path };
}

/** Raises a MiascopeError when results.jsonl in `out` comes from another profile or miascope version. */
function checkSameConfiguration(records: readonly TrialRecord[], options: RunExperimentsOptions): void {
  const first = records[0];
  if (first === undefined) return;
  const version = packageVersion();
  if (first.profile !== options.profile || first.miascope !== version) {
    throw new MiascopeError(
      `${join(options.out, RESULTS_FILE)} contains results of profile ${first.profile} from miascope ${first.miascope}, but this run is profile ${options.profile} ` +
        `with miascope ${version}; choose another --out for it`,
    );
  }
}

/** Raises a MiascopeError when a stored result of `trial` was made with another seed or grid (the spec changed). */
function checkSameTrial(stored: TrialRecord | undefined, trial: PlannedTrial, out: string): void {
  if (stored === undefined || (stored.seed === trial.seed && stored.pointIndex === trial.pointIndex)) return;
  throw new MiascopeError(
    `${join(out, RESULTS_FILE)} contains trial ${trial.trial} of ${trial.experiment} at point ${JSON.stringify(trial.point)} with seed ${stored.seed} ` +
      `and point index ${stored.pointIndex}, but this run gives it seed ${trial.seed} and point index ${trial.pointIndex}: the experiment changed; choose another --out`,
  );
}

/**
 * Marks `out` as being written by this process, so that two runs never append
 * to the same results.jsonl. A lock left by a killed run on this host (its
 * process is gone) is taken over. Returns the function that releases it.
 */
function acquireLock(out: string): () => void {
  const path = join(out, LOCK_FILE);
  const owner = `${process.pid} ${hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, owner);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new MiascopeError(`failed to write to output folder ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose a writable folder with --out DIR)`);
      }
    }
    const [pid, host] = readFileSync(path, 'utf8').split(' ');
    if (host !== hostname() || isAlive(Number(pid))) {
      throw new MiascopeError(
        `another miascope run (process ${pid} on ${host}) is writing to ${out}; wait for it to finish, give this run another --out, or delete ${path} if that run is gone`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new MiascopeError(`failed to lock output folder ${out}: ${path} keeps reappearing, so another run may be starting there; wait for it or give this run another --out`);
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
