import type { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../data/datasets.ts';
import { splitRows, splitRowsStratified } from '../data/split.ts';
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

/** Returns `value`, or `fallback` when it is undefined, after checking that it is a whole number of records ≥ 2. */
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
  requireRecords(dataset, 2 * targetSize + 2 * shadowSize, targetSize, shadowSize, "each model's members plus as many held-out non-members", 4);
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

/** A request to a record sampler: `size` table rows drawn without replacement from `pool`. */
export interface RecordRequest {
  /** Owner of the records: the target's pool or one shadow model's. */
  role: 'target' | 'shadow';
  size: number;
  /** Table rows that may be drawn. */
  pool: Int32Array;
  rng: Rng;
}

/**
 * Draws the records of a target or shadow pool with a chosen data property
 * (class balance, entropy, ...). Returns `size` distinct rows of `pool`; the
 * audit splits them into members and non-members.
 */
export type RecordSampler = (request: RecordRequest) => ArrayLike<number>;

/** Calls a sampler and checks that it kept to its request, since a wrong row set would silently corrupt the audit. */
function sampleRecords(sampler: RecordSampler, request: RecordRequest): Int32Array {
  const rows = Int32Array.from(sampler(request));
  const allowed = new Set(request.pool);
  const distinct = new Set(rows);
  if (rows.length !== request.size || distinct.size !== rows.length || !rows.every((row) => allowed.has(row))) {
    throw new MiascopeError(
      `the ${request.role} record sampler returned ${rows.length} rows (${distinct.size} distinct) for a request of ${request.size} distinct rows ` +
        `of a pool of ${request.pool.length}; a sampler must return exactly the requested number of distinct pool rows`,
    );
  }
  return rows;
}

/** Splits `rows` into members (`memberCount` of them) and non-members, with each class in the proportions of `rows`. */
function splitStratified(dataset: Dataset, rows: Int32Array, memberCount: number, rng: Rng): ShadowSplit {
  const y = Int32Array.from(rows, (row) => dataset.y[row]);
  const [members, nonMembers] = splitRowsStratified(y, [memberCount, rows.length - memberCount], rng);
  return { members: Int32Array.from(members, (i) => rows[i]), nonMembers: Int32Array.from(nonMembers, (i) => rows[i]) };
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Returns the rows of `rows` that are not in `removed`. */
function without(rows: Int32Array, removed: Int32Array): Int32Array {
  const excluded = new Set(removed);
  return rows.filter((row) => !excluded.has(row));
}

/**
 * Draws the target pool as `drawPools` does, N members and N held-out
 * records, but from a sampler: it draws 2N records and splits them in halves
 * stratified by label, so members and non-members share the sampled property.
 */
export function drawSampledPools(dataset: Dataset, targetSize: number, shadowSize: number, sampler: RecordSampler, rng: Rng): Pools {
  requireRecords(dataset, 2 * targetSize + 2 * shadowSize, targetSize, shadowSize, "each model's members plus as many held-out non-members", 4);
  const everyRow = allRows(dataset.features.rows);
  const targetPool = sampleRecords(sampler, { role: 'target', size: 2 * targetSize, pool: everyRow, rng: rng.fork('sample') });
  const { members, nonMembers } = splitStratified(dataset, targetPool, targetSize, rng.fork('split'));
  return { targetMembers: members, targetNonMembers: nonMembers, shadowPool: without(everyRow, targetPool) };
}

/** Draws one shadow model's members and non-members, S each, as 2S sampled shadow-pool records split in halves stratified by label. */
export function drawSampledShadowSplit(dataset: Dataset, pools: Pools, shadowSize: number, sampler: RecordSampler, rng: Rng): ShadowSplit {
  const records = sampleRecords(sampler, { role: 'shadow', size: 2 * shadowSize, pool: pools.shadowPool, rng: rng.fork('sample') });
  return splitStratified(dataset, records, shadowSize, rng.fork('split'));
}

/**
 * Draws the target pool of the `paper` protocol: N records (sampled, or
 * uniform without a sampler) split at random into round(memberRate · N)
 * members and the rest as non-members, every one of which is scored. The
 * shadow pool is every other record.
 */
export function drawSplitPools(
  dataset: Dataset,
  targetSize: number,
  shadowSize: number,
  memberRate: number,
  sampler: RecordSampler | undefined,
  rng: Rng,
): Pools {
  requireRecords(dataset, targetSize + shadowSize, targetSize, shadowSize, 'the target pool plus one shadow pool', 2);
  const memberCount = Math.round(memberRate * targetSize);
  if (memberCount < 1 || memberCount >= targetSize) {
    throw new MiascopeError(
      `member rate ${memberRate} splits a target pool of ${targetSize} records into ${memberCount} members and ${targetSize - memberCount} non-members; ` +
        `each side needs at least one record: raise --target-size or bring --member-rate closer to 0.5`,
    );
  }
  const everyRow = allRows(dataset.features.rows);
  const targetPool =
    sampler === undefined
      ? rng.fork('sample').shuffle(everyRow.slice()).slice(0, targetSize)
      : sampleRecords(sampler, { role: 'target', size: targetSize, pool: everyRow, rng: rng.fork('sample') });
  const [members, nonMembers] = splitRows(targetSize, [memberCount, targetSize - memberCount], rng.fork('split'));
  return {
    targetMembers: Int32Array.from(members, (i) => targetPool[i]),
    targetNonMembers: Int32Array.from(nonMembers, (i) => targetPool[i]),
    shadowPool: without(everyRow, targetPool),
  };
}

/**
 * Draws one shadow model's records under the `paper` protocol: S records of
 * the shadow pool (sampled, or uniform) split into `memberShare` members and
 * the rest, stratified by label, as the authors' code splits its shadow data.
 */
export function drawSplitShadow(
  dataset: Dataset,
  pools: Pools,
  shadowSize: number,
  memberShare: number,
  sampler: RecordSampler | undefined,
  rng: Rng,
): ShadowSplit {
  const records =
    sampler === undefined
      ? rng.fork('sample').shuffle(pools.shadowPool.slice()).slice(0, shadowSize)
      : sampleRecords(sampler, { role: 'shadow', size: shadowSize, pool: pools.shadowPool, rng: rng.fork('sample') });
  return splitStratified(dataset, records, Math.round(memberShare * shadowSize), rng.fork('split'));
}

/**
 * Rejects sizes that need more than the dataset's rows. `composition` names what the
 * `needed` records are, and rows / `divisor` is the maximum size the message suggests.
 */
function requireRecords(dataset: Dataset, needed: number, targetSize: number, shadowSize: number, composition: string, divisor: number): void {
  const rows = dataset.features.rows;
  if (needed > rows) {
    throw new MiascopeError(
      `target size ${targetSize} and shadow size ${shadowSize} need ${needed} records (${composition}), ` +
        `but ${dataset.name} has ${rows}; lower --target-size or --shadow-size to at most ${Math.floor(rows / divisor)} each`,
    );
  }
}
