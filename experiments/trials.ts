import { createHash } from 'node:crypto';
import { MiascopeError } from '../src/errors.ts';
import type { ExperimentSpec, Point, Profile, Protocol } from './spec.ts';

/**
 * The deterministic list of trials of a run, their seeds and keys, and the
 * split of that list into shards.
 */

/** One trial of a run: a point of an experiment's grid on one dataset, repeated `trial` times before. */
export interface PlannedTrial {
  experiment: string;
  dataset: string;
  protocol: Protocol;
  profile: Profile;
  /** Position of the point in the profile's `points`, the order of the report. */
  pointIndex: number;
  point: Point;
  trial: number;
  seed: number;
}

export interface Shard {
  /** 1-based: shard `index` of `count` runs the trials at positions index − 1, index − 1 + count, … */
  index: number;
  count: number;
}

/**
 * Lists the trials of `specs` in run order: experiment, dataset, point, then
 * trial index. Experiments that pool the results of others (`spec.pools`)
 * have no trials of their own. `datasets` replaces each profile's datasets
 * when given.
 */
export function expandTrials(specs: readonly ExperimentSpec[], profile: Profile, protocol: Protocol, datasets?: readonly string[]): PlannedTrial[] {
  const trials: PlannedTrial[] = [];
  for (const spec of specs) {
    if (spec.pools !== undefined) continue;
    const settings = spec.profiles[profile];
    for (const dataset of datasets ?? settings.datasets) {
      settings.points.forEach((point, pointIndex) => {
        for (let trial = 0; trial < settings.trials; trial++) {
          trials.push({ experiment: spec.id, dataset, protocol, profile, pointIndex, point, trial, seed: trialSeed(spec.id, dataset, protocol, point, trial) });
        }
      });
    }
  }
  return trials;
}

/**
 * Seed of a trial: the first 32 bits of the SHA-256 of its experiment,
 * dataset, protocol, point (keys sorted) and trial index, as an unsigned
 * integer. It never depends on the worker, the shard or the profile, so a
 * trial draws the same numbers wherever it runs.
 */
export function trialSeed(experiment: string, dataset: string, protocol: Protocol, point: Point, trial: number): number {
  const text = JSON.stringify([experiment, dataset, protocol, canonicalPoint(point), trial]);
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Identity of a trial in results.jsonl: two lines with the same key describe the same trial. */
export function trialKey(trial: { experiment: string; dataset: string; protocol: Protocol; profile: Profile; point: Point; trial: number }): string {
  return JSON.stringify([trial.experiment, trial.dataset, trial.protocol, trial.profile, canonicalPoint(trial.point), trial.trial]);
}

/** Returns `point` as [key, value] pairs sorted by key, so that key order never changes a seed or a key. */
function canonicalPoint(point: Point): [string, Point[string]][] {
  return Object.keys(point)
    .sort()
    .map((key) => [key, point[key]]);
}

/**
 * Compares the trials in `records` with those their specs plan, per
 * experiment, dataset, protocol and profile present, and returns one line
 * per group with fewer, e.g. `fig3-target-size adult sound: 6 of 12 trials`.
 * Records of experiments missing from `specs` are not counted.
 */
export function incompleteGroups(records: readonly TrialKeyFields[], specs: readonly ExperimentSpec[]): string[] {
  const present = new Map<string, Set<string>>();
  for (const record of records) {
    const group = JSON.stringify([record.experiment, record.dataset, record.protocol, record.profile]);
    const keys = present.get(group) ?? new Set<string>();
    keys.add(trialKey(record));
    present.set(group, keys);
  }
  const lines: string[] = [];
  for (const [group, keys] of present) {
    const [experiment, dataset, protocol, profile] = JSON.parse(group) as [string, string, Protocol, Profile];
    const spec = specs.find((candidate) => candidate.id === experiment);
    if (spec === undefined || spec.pools !== undefined) continue;
    // Counts the trials of this group's dataset only, because the profile's dataset list does not apply to a group.
    const planned = expandTrials([spec], profile, protocol, [dataset]).length;
    if (keys.size < planned) lines.push(`${experiment} ${dataset} ${protocol}: ${keys.size} of ${planned} trials`);
  }
  return lines;
}

type TrialKeyFields = Parameters<typeof trialKey>[0];

/** Parses `i/n` (1 ≤ i ≤ n) as given to --shard. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index >= 1 && index <= count)) {
    throw new MiascopeError(`--shard ${JSON.stringify(text)} is invalid; give i/n with 1 ≤ i ≤ n, e.g. 1/4 for the first of four shards`);
  }
  return { index, count };
}

/** Selects the trials of `trials` (in run order) that shard `shard` runs: every count-th one, starting at index − 1. */
export function selectShard<T>(trials: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...trials];
  return trials.filter((_, position) => position % shard.count === shard.index - 1);
}
