import type { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../data/datasets.ts';
import { splitRows } from '../data/split.ts';
import { MiascopeError } from '../errors.ts';

/**
 * The record pools of one audit: the target's members and held-out
 * non-members, and the shadow pool (every other record) from which each
 * shadow model draws its own members and non-members.
 */
export interface Pools {
  targetMembers: Int32Array;
  targetNonMembers: Int32Array;
  shadowPool: Int32Array;
}

/** One shadow model's training records and held-out records. */
export interface ShadowSplit {
  members: Int32Array;
  nonMembers: Int32Array;
}

export function checkSize(name: string, option: string, value: number | undefined, fallback: number): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 2) {
    throw new MiascopeError(`${name} = ${value} is invalid; give a whole number of records ≥ 2 with ${option}`);
  }
  return size;
}

/**
 * Draws the target pool (members and as many held-out non-members) and leaves
 * the rest as the shadow pool: the attacker's data, from the same
 * distribution and disjoint from the target's.
 */
export function drawPools(dataset: Dataset, targetSize: number, shadowSize: number, rng: Rng): Pools {
  const rows = dataset.features.rows;
  const needed = 2 * targetSize + 2 * shadowSize;
  if (needed > rows) {
    throw new MiascopeError(
      `target size ${targetSize} and shadow size ${shadowSize} need ${needed} records (each model's members plus as many held-out non-members), ` +
        `but ${dataset.name} has ${rows}; lower --target-size or --shadow-size to at most ${Math.floor(rows / 4)} each`,
    );
  }
  const [targetMembers, targetNonMembers, shadowPool] = splitRows(rows, [targetSize, targetSize, rows - 2 * targetSize], rng);
  return { targetMembers, targetNonMembers, shadowPool };
}

/** Draws one shadow model's members and non-members from the shadow pool; different shadows may share records. */
export function drawShadowSplit(pools: Pools, shadowSize: number, rng: Rng): ShadowSplit {
  const [members, nonMembers] = splitRows(pools.shadowPool.length, [shadowSize, shadowSize], rng);
  return {
    members: Int32Array.from(members, (i) => pools.shadowPool[i]),
    nonMembers: Int32Array.from(nonMembers, (i) => pools.shadowPool[i]),
  };
}

/**
 * Draws the target evaluation set at the requested member rate. It keeps all
 * of one side and a seeded subset of the other, so that members / (members +
 * non-members) equals the rate as closely as whole records allow.
 */
export function evaluationRows(pools: Pools, memberRate: number, rng: Rng): { members: Int32Array; nonMembers: Int32Array } {
  const members = pools.targetMembers;
  const nonMembers = pools.targetNonMembers;
  if (memberRate >= 0.5) {
    const count = Math.round((members.length * (1 - memberRate)) / memberRate);
    return { members, nonMembers: rng.shuffle(nonMembers.slice()).slice(0, Math.max(1, count)) };
  }
  const count = Math.round((nonMembers.length * memberRate) / (1 - memberRate));
  return { members: rng.shuffle(members.slice()).slice(0, Math.max(1, count)), nonMembers };
}

/** Raises a user error when a training set drawn for a model contains a single class. */
export function requireBothClasses(dataset: Dataset, rows: Int32Array, model: string, option: string): void {
  const positives = rows.reduce((sum, row) => sum + dataset.y[row], 0);
  if (positives === 0 || positives === rows.length) {
    const only = dataset.classNames[positives === 0 ? 0 : 1];
    throw new MiascopeError(
      `the ${model} training set of ${rows.length} records drawn from ${dataset.name} contains only class ${only}; raise ${option} (or try another --seed)`,
    );
  }
}
