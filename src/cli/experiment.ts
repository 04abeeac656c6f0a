import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_PRUNE_THRESHOLD } from '../../experiments/aggregate.ts';
import { experimentById, loadExperiments } from '../../experiments/registry.ts';
import { writeReport } from '../../experiments/report.ts';
import { checkConsistent, mergeResults, readResults, RESULTS_FILE } from '../../experiments/results.ts';
import { LOCK_FILE, runExperiments } from '../../experiments/runner.ts';
import { PROFILES, PROTOCOLS, type ExperimentSpec, type Profile, type Protocol } from '../../experiments/spec.ts';
import { incompleteGroups, parseShard } from '../../experiments/trials.ts';
import { MiascopeError } from '../errors.ts';
import { defaultThreads } from '../parallel/tasks.ts';
import { integerOption, parseOptions } from './args.ts';
import { BACKEND_OPTIONS, backendLogger } from './backend-option.ts';
import { parseBackendChoice } from '../models/backend-choice.ts';
import { choiceOption } from './dataset-options.ts';
import { createTrialProgress } from './experiment-progress.ts';
import { checkOutputFolder, removeEmptyFolderOnFailure, writeResultFile } from './output.ts';

export const EXPERIMENT_HELP = `Usage: miascope experiment <list|run|merge|report> [options]

Runs the experiments of Tonni et al., "Data and Model Dependencies of
Membership Inference Attack" (2020), one per figure or table, and reports
them as CSV, Markdown and SVG, and on request as one HTML page.

Subcommands:
  list                      the experiments, with their trials per profile
  run ID... | --all         run experiments; results go to OUT/results.jsonl,
                            then the report is written next to it
  merge OUT DIR...          join the results of shard runs into OUT
  report DIR                rewrite the report of DIR from DIR/results.jsonl

See miascope experiment <subcommand> --help.
`;

const LIST_HELP = `Usage: miascope experiment list

Lists the experiments: id, trials of the quick and paper profiles (points ×
trials per point × default datasets), and title.
`;

const RUN_HELP = `Usage: miascope experiment run ID... | --all [options]

Runs every trial of the named experiments (or of all of them) on worker
threads. Each finished trial is appended to OUT/results.jsonl at once, so a
rerun with the same --out resumes where a killed run stopped. Each trial's
seed derives from the experiment, dataset, protocol, point and trial index,
so results do not depend on --workers or --shard. Afterwards the report is
written (see miascope experiment report --help), except for a shard.

Options:
  --all                     run every experiment, in the paper's order
  --profile quick|paper     quick: few trials and small sizes; paper: the
                            paper's grid and trial counts (default: quick).
                            One output folder contains one profile
  --protocol sound|paper    sound (default) or paper (the authors' published
                            code: 75% members in the evaluation set, so the
                            trivial attack accuracy is 0.75)
  --dataset NAME            adult, texas or purchase; repeatable or
                            comma-separated (default: each experiment's
                            datasets of the profile)
  --data-path DIR           folder containing Texas.csv or Texas.tar.gz and
                            Purchase.csv or Purchase.tar.gz (default: the
                            folder named by MIASCOPE_DATA_DIR)
  --workers N               worker threads, each running one trial at a time
                            (default: the number of CPU cores, here ${defaultThreads()})
  --backend cpu|webgpu|auto where the trials' ANN target and shadow models
                            train (default: cpu, so that results do not depend
                            on the machine). webgpu: an error when no adapter
                            exists; each worker thread opens its own WebGPU
                            device on the adapter. auto: decided per trial as
                            for miascope audit. Lines of trials trained on
                            WebGPU carry "backend": "webgpu" in their data;
                            their values differ from the CPU's in the last
                            digits, so resume an --out with the backend it
                            began with
  --shard i/n               run only trials i, i + n, i + 2n, ... of the run's
                            trial list (1 ≤ i ≤ n), for batch array jobs; join
                            the shards' folders with miascope experiment merge
  --out DIR                 output folder (default: miascope-out/<profile>)
  --prune-threshold R       mark points whose mean target test accuracy is
                            below R × the best point's as pruned, in [0, 1]
                            (default: ${DEFAULT_PRUNE_THRESHOLD}; 0 prunes nothing)
  --html [FILE]             also write the report as one HTML page (see
                            miascope experiment report --help); not with --shard
  --quiet                   no progress output on stderr
  -h, --help                show this help

Example:
  miascope experiment run --all --profile quick --dataset adult --out results/quick
`;

const MERGE_HELP = `Usage: miascope experiment merge OUT DIR... [--prune-threshold R] [--html [FILE]]

Joins the results.jsonl files of the shard folders DIR... (and OUT's own, if
any) into OUT/results.jsonl in canonical order, then writes OUT's report. A
trial found in several folders must have the same result in each.

Options:
  --prune-threshold R       as for miascope experiment run (default: ${DEFAULT_PRUNE_THRESHOLD})
  --html [FILE]             also write the HTML page, as for miascope experiment report
  --quiet                   accepted as by every command; merge writes no
                            progress, and its warnings still go to stderr
  -h, --help                show this help
`;

const REPORT_HELP = `Usage: miascope experiment report DIR [--prune-threshold R] [--html [FILE]]

Aggregates DIR/results.jsonl and rewrites the report:
  DIR/index.md                              one line per experiment, dataset and protocol
  DIR/claims.md                             each experiment's claim, both protocols side by side
  DIR/<experiment>/<dataset>-<protocol>.csv  per point: settings, trials, status, and for
                                            each metric its mean, 95% interval and n
  DIR/<experiment>/<dataset>-<protocol>.md   the same as a Markdown table with the claim
  DIR/<experiment>/<dataset>-<protocol>.svg  error bars, scatter, trade-off, heat-map or
                                            correlations

Options:
  --prune-threshold R       as for miascope experiment run (default: ${DEFAULT_PRUNE_THRESHOLD})
  --html [FILE]             also write every experiment of DIR as one self-contained
                            HTML page (inline CSS and SVG, no scripts, nothing loaded
                            from the network): per experiment its claim, both
                            protocols side by side, the plots and the tables.
                            FILE defaults to DIR/report.html; a FILE after --html
                            must end in .html or .htm, or be given as --html=FILE
  --quiet                   accepted as by every command; report writes no
                            progress, and its warnings still go to stderr
  -h, --help                show this help
`;

const SUBCOMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  list: { run: listCommand, help: LIST_HELP },
  run: { run: runCommand, help: RUN_HELP },
  merge: { run: mergeCommand, help: MERGE_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
};

export async function experimentCommand(argv: string[]): Promise<void> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '-h' || subcommand === '--help' || subcommand === 'help') {
    process.stdout.write(EXPERIMENT_HELP);
    return;
  }
  const entry = SUBCOMMANDS[subcommand];
  if (entry === undefined) {
    throw new MiascopeError(`unknown experiment subcommand ${JSON.stringify(subcommand)}; use one of ${Object.keys(SUBCOMMANDS).join(', ')} (see miascope experiment --help)`);
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(entry.help);
    return;
  }
  await entry.run(rest);
}

async function listCommand(argv: string[]): Promise<void> {
  const { positionals } = parseOptions('experiment list', argv, { quiet: { type: 'boolean' } });
  if (positionals.length > 0) throw new MiascopeError(`experiment list: unexpected argument ${JSON.stringify(positionals[0])} (see miascope experiment list --help)`);
  const specs = await loadExperiments();
  if (specs.length === 0) {
    process.stdout.write('no experiments are registered\n');
    return;
  }
  const rows = specs.map((spec) => [spec.id, trialCount(spec, 'quick'), trialCount(spec, 'paper'), spec.title]);
  const widths = [0, 1, 2].map((column) => Math.max(...[['id', 'quick', 'paper'][column], ...rows.map((row) => row[column])].map((cell) => cell.length)));
  const format = (row: string[]): string => `${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padStart(widths[2])}  ${row[3]}\n`;
  process.stdout.write(format(['id', 'quick', 'paper', 'title']) + rows.map(format).join(''));
}

/** Counts the trials of one profile on its default datasets, or returns `pooled` for a pooling spec. */
function trialCount(spec: ExperimentSpec, profile: Profile): string {
  if (spec.pools !== undefined) return 'pooled';
  const settings = spec.profiles[profile];
  return String(settings.points.length * settings.trials * settings.datasets.length);
}

const RUN_OPTIONS = {
  all: { type: 'boolean' },
  profile: { type: 'string' },
  protocol: { type: 'string' },
  dataset: { type: 'string', multiple: true },
  'data-path': { type: 'string' },
  workers: { type: 'string' },
  ...BACKEND_OPTIONS,
  shard: { type: 'string' },
  out: { type: 'string' },
  'prune-threshold': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

async function runCommand(argv: string[]): Promise<void> {
  const htmlOption = takeHtmlOption(argv);
  const { values, positionals } = parseOptions('experiment run', htmlOption.argv, RUN_OPTIONS);
  const specs = await loadExperiments();
  if (values.all === true && positionals.length > 0) throw new MiascopeError('experiment run: give experiment ids or --all, not both (see miascope experiment list)');
  if (values.all !== true && positionals.length === 0) throw new MiascopeError('experiment run: missing experiment id; name one or more ids, or --all (see miascope experiment list)');
  const selected = values.all === true ? specs : [...new Set(positionals)].map((id) => experimentById(id, specs));

  const profile = (choiceOption('profile', values.profile, PROFILES) ?? 'quick') as Profile;
  const protocol = (choiceOption('protocol', values.protocol, PROTOCOLS) ?? 'sound') as Protocol;
  const datasets = values.dataset?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  const workers = integerOption('workers', values.workers, 1) ?? defaultThreads();
  const backend = values.backend === undefined ? 'cpu' : parseBackendChoice(values.backend);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const pruneThreshold = pruneThresholdOption(values['prune-threshold']);
  const out = values.out ?? `miascope-out/${profile}`;
  if (shard !== undefined && htmlOption.html !== undefined) {
    throw new MiascopeError('experiment run: --html does not apply to a shard, which writes no report; give --html to miascope experiment merge instead');
  }
  checkOutputFolder(out);
  const html = htmlPath(htmlOption.html, out);

  const progress = createTrialProgress(values.quiet === true, workers);
  // An interrupted or failed run keeps its results.jsonl, which a rerun resumes. Only a folder it created and left empty is removed.
  await removeEmptyFolderOnFailure(
    out,
    async () => {
      let summary;
      try {
        summary = await runExperiments({
          experiments: selected,
          profile,
          protocol,
          datasets: datasets !== undefined && datasets.length > 0 ? datasets : undefined,
          dataDir: values['data-path'],
          workers,
          backend,
          onLog: backendLogger(values.quiet === true),
          shard,
          out,
          onProgress: (state) => progress.update(state),
        });
      } finally {
        progress.stop();
      }
      process.stdout.write(
        `ran ${summary.ran} trials (${summary.failed} failed), skipped ${summary.skipped} already in ${out}/${RESULTS_FILE}` +
          (shard === undefined ? '' : ` (shard ${shard.index}/${shard.count} of the run's trials)`) +
          '\n',
      );
      if (shard !== undefined) {
        process.stdout.write(`after the last shard: miascope experiment merge OUT ${out} ...\n`);
        return;
      }
      const poolingOnly = selected.every((spec) => spec.pools !== undefined);
      const pooled = summary.records.some((record) => selected.some((spec) => spec.pools?.includes(record.experiment)));
      if (poolingOnly && !pooled) {
        const pools = [...new Set(selected.flatMap((spec) => spec.pools ?? []))];
        throw new MiascopeError(`${selected.map((spec) => spec.id).join(', ')} pools the results of ${pools.join(', ')}, but ${out}/${RESULTS_FILE} contains none of their results; run those into the same --out first`);
      }
      await report(out, summary.records, specs, pruneThreshold, html);
    },
    () => {
      progress.stop();
      removeRunFiles(out);
    },
  );
}

async function mergeCommand(argv: string[]): Promise<void> {
  const htmlOption = takeHtmlOption(argv);
  const { values, positionals } = parseOptions('experiment merge', htmlOption.argv, { 'prune-threshold': { type: 'string' }, quiet: { type: 'boolean' } });
  const [out, ...shards] = positionals;
  if (out === undefined || shards.length === 0) throw new MiascopeError('experiment merge: give the output folder and at least one shard folder: miascope experiment merge OUT DIR...');
  const pruneThreshold = pruneThresholdOption(values['prune-threshold']);
  checkOutputFolder(out, 'OUT');
  const html = htmlPath(htmlOption.html, out);
  const count = mergeResults(out, shards);
  process.stdout.write(`merged ${count} trials from ${shards.length} folder(s) into ${out}/${RESULTS_FILE}\n`);
  const records = readResults(out).records;
  const specs = await loadExperiments();
  // A partial merge is legitimate (shards still running), so it warns and still writes the report.
  for (const line of incompleteGroups(records, specs)) process.stderr.write(`miascope: warning: ${line}; a shard may be missing\n`);
  await report(out, records, specs, pruneThreshold, html);
}

async function reportCommand(argv: string[]): Promise<void> {
  const htmlOption = takeHtmlOption(argv);
  const { values, positionals } = parseOptions('experiment report', htmlOption.argv, { 'prune-threshold': { type: 'string' }, quiet: { type: 'boolean' } });
  if (positionals.length !== 1) throw new MiascopeError('experiment report: give exactly one results folder: miascope experiment report DIR');
  const folder = positionals[0];
  const pruneThreshold = pruneThresholdOption(values['prune-threshold']);
  const { records } = readResults(folder);
  if (records.length === 0) throw new MiascopeError(`${folder}/${RESULTS_FILE} is missing or empty; give the --out folder of miascope experiment run`);
  checkConsistent(records, `${folder}/${RESULTS_FILE}`);
  await report(folder, records, await loadExperiments(), pruneThreshold, htmlPath(htmlOption.html, folder));
}

/**
 * Deletes the files of a run that contain no result: the lock in `folder` when
 * this process owns it, and an empty results.jsonl. The folder of a run
 * stopped before its first trial finished is then empty.
 */
function removeRunFiles(folder: string): void {
  const lock = join(folder, LOCK_FILE);
  if (existsSync(lock) && readFileSync(lock, 'utf8').startsWith(`${process.pid} `)) rmSync(lock, { force: true });
  const results = join(folder, RESULTS_FILE);
  if (existsSync(results) && statSync(results).size === 0) rmSync(results, { force: true });
}

/** Writes the report of `out`, and its HTML page to `html` when given. */
async function report(out: string, records: Parameters<typeof writeReport>[1], specs: ExperimentSpec[], pruneThreshold: number, html?: string): Promise<void> {
  const summary = await writeReport(out, records, specs, { pruneThreshold, html: html === undefined ? undefined : { source: out } });
  if (summary.unknown.length > 0) {
    process.stderr.write(`miascope: left out of the report, because no registered spec has their id: ${summary.unknown.join(', ')}\n`);
  }
  process.stdout.write(`report: ${summary.files.length} files, index ${summary.files[summary.files.length - 1]}\n`);
  if (html !== undefined && summary.html !== undefined) {
    const written = writeResultFile(dirname(html), basename(html), summary.html, '--html FILE');
    process.stdout.write(`HTML report: ${written}\n`);
  }
}

/**
 * Takes `--html`, `--html FILE` and `--html=FILE` out of `argv`, because
 * node:util's parseArgs has no option with an optional value. A bare `--html`
 * is `true`. The argument after it is its FILE only when it ends in .html or
 * .htm, so that `report --html DIR` still reads DIR as the results folder.
 */
function takeHtmlOption(argv: readonly string[]): { argv: string[]; html: string | true | undefined } {
  const rest: string[] = [];
  let html: string | true | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--html=')) {
      html = arg.slice('--html='.length);
      if (html === '') throw new MiascopeError('--html= has an empty file name, which is invalid; give --html FILE.html, or --html alone for DIR/report.html');
    } else if (arg === '--html') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && /\.html?$/i.test(next)) {
        html = next;
        i++;
      } else {
        html = true;
      }
    } else {
      rest.push(arg);
    }
  }
  return { argv: rest, html };
}

/**
 * Resolves the HTML page's path (`DIR/report.html` for a bare --html) and
 * checks it before any work starts: it must not be a folder, and its folder
 * must be writable.
 */
function htmlPath(option: string | true | undefined, folder: string): string | undefined {
  if (option === undefined) return undefined;
  const path = option === true ? join(folder, 'report.html') : option;
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new MiascopeError(`--html ${path} is a folder; give the path of an HTML file, e.g. ${join(path, 'report.html')}`);
  }
  checkOutputFolder(dirname(path), '--html FILE', path);
  return path;
}

function pruneThresholdOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PRUNE_THRESHOLD;
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) {
    throw new MiascopeError(`--prune-threshold ${JSON.stringify(value)} is invalid; give a number from 0 to 1, such as ${DEFAULT_PRUNE_THRESHOLD}`);
  }
  return parsed;
}
