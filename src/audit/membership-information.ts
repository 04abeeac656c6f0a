import type { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../data/datasets.ts';
import { fitEncoder, type Encoder } from '../data/encode.ts';
import { MiascopeError } from '../errors.ts';
import { toMatrix, type MatrixData } from '../models/train-task.ts';
import { moduleUrl, runTasks } from '../parallel/tasks.ts';
import { crossEntropyLosses, membershipInformationFromLosses, membershipSplits } from '../properties/model-information.ts';
import type { MembershipInformationValue, ModelPropertyOptions } from '../properties/model.ts';
import type { Pools } from './pools.ts';

const TRAIN_TASK_MODULE = moduleUrl('../models/train-task.ts', import.meta.url);

/** Checks the model property options, which reach runAudit from the CLI or a caller, before any training. */
export function checkPropertyOptions(options: ModelPropertyOptions): ModelPropertyOptions {
  const { fairnessPairs, bins, membershipRepeats, membershipPoolSize } = options;
  if (!Number.isInteger(fairnessPairs) || fairnessPairs < 1) {
    throw new MiascopeError(`individual fairness pairs ${fairnessPairs} is invalid; give a whole number ≥ 1`);
  }
  if (!Number.isInteger(bins) || bins < 2) throw new MiascopeError(`bin count ${bins} is invalid; give a whole number ≥ 2`);
  if (!Number.isInteger(membershipRepeats) || membershipRepeats < 0 || membershipRepeats % 2 !== 0) {
    throw new MiascopeError(
      `membership I_X repeats ${membershipRepeats} is invalid; give an even whole number of retrained models (0 skips the estimate) with --membership-repeats`,
    );
  }
  if (!Number.isInteger(membershipPoolSize) || membershipPoolSize < 4) {
    throw new MiascopeError(`membership I_X pool size ${membershipPoolSize} is invalid; give a whole number of records ≥ 4`);
  }
  return options;
}

/**
 * Estimates the `membership` I_X of the audit's training procedure: R models
 * of the target's family and options, trained on complementary halves of a
 * seeded sample of the target pool (members and non-members), encoded by
 * `encoderFor(rows)` (default: z-score fit on those rows). Returns null when
 * R is 0.
 */
export async function measureMembershipInformation(
  dataset: Dataset,
  pools: Pools,
  modelName: string,
  modelOptions: Record<string, unknown>,
  settings: ModelPropertyOptions,
  seed: string | number,
  rng: Rng,
  encoderFor: (rows: Int32Array) => Encoder = (rows) => fitEncoder(dataset.features, rows),
): Promise<MembershipInformationValue | null> {
  const repeats = settings.membershipRepeats;
  if (repeats === 0) return null;
  const targetPool = Int32Array.from([...pools.targetMembers, ...pools.targetNonMembers]);
  const rows = rng.shuffle(targetPool).slice(0, Math.min(settings.membershipPoolSize, targetPool.length));
  const x = encoderFor(rows).transform(dataset.features, rows);
  const y = Int32Array.from(rows, (row) => dataset.y[row]);
  const splits = membershipSplits(rows.length, repeats, rng);
  const seeds = splits.map((_, r) => `${seed}/membership-information/${r}`);

  // One task runs on this thread, which is idle while workers train the target and the shadow model,
  // because a worker's start-up would cost more than these small models.
  const [posteriors] = await runTasks<MatrixData[]>(
    [{ module: TRAIN_TASK_MODULE, name: 'trainOnSplits', args: [modelName, x, y, splits, modelOptions, seeds] }],
    { threads: 1 },
  );
  const losses = posteriors.map((p) => crossEntropyLosses(toMatrix(p), y));
  const value = membershipInformationFromLosses(losses, splits, settings.bins);
  const noLeakageBaseline = membershipInformationFromLosses(losses, splits, settings.bins, { permutations: 5, rng: rng.fork('baseline') });
  return { value, estimator: 'membership', protocol: 'sound', unit: 'bits', repeats, poolRecords: rows.length, bins: settings.bins, noLeakageBaseline };
}
