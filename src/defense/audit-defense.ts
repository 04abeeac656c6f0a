/**
 * The link between an audit and regularised training: which of the audit's
 * models train with the regulariser, the worker task that trains them, and
 * the defence section of the audit result.
 */

import type { BackendName } from '../../engine/backend/select.ts';
import type { Table } from '../data/table.ts';
import { MiascopeError } from '../errors.ts';
import type { TrainedModel } from '../models/train-task.ts';
import { moduleUrl, type Task } from '../parallel/tasks.ts';
import { monitoredProperty, PROPERTY_SYMBOLS, resolveDefenseOptions, type DefenseOptions, type PropertyRegularizer } from './options.ts';
import type { DefendedModel } from './train-task.ts';
import type { DefenseRecord } from './train.ts';
import { takeTableRows } from './training-records.ts';

const DEFENSE_TASK_MODULE = moduleUrl('./train-task.ts', import.meta.url);

export interface AuditDefenseOptions extends Partial<DefenseOptions> {
  /** Regularised training of the ANN shadow models too, so that the shadows mimic the target's training as the attacker of Tonni et al. does. Default true. */
  shadows?: boolean;
}

/** A checked defence of one audit. */
export interface AuditDefense {
  options: DefenseOptions;
  property: PropertyRegularizer;
  shadows: boolean;
  /** Group of each table row: 1 for g1, 0 for g0. Null when the data has no fairness groups. */
  groups: Uint8Array | null;
}

/** The defence section of an audit result. */
export interface DefenseSection {
  config: DefenseOptions & { property: PropertyRegularizer; shadows: boolean };
  target: DefenseRecord;
  /** One entry per shadow model, null for a shadow trained without the regulariser. */
  shadows: Array<DefenseRecord | null>;
}

/** Checks a defence against the audit's target family and groups, before any training starts. */
export function resolveAuditDefense(options: AuditDefenseOptions, targetModel: string, groups: Uint8Array | null): AuditDefense {
  if (targetModel !== 'ann') {
    throw new MiascopeError(`a defence trains a neural network with a regulariser, but the target model is ${targetModel}; use --target ann`);
  }
  const { shadows, ...defense } = options;
  const resolved = resolveDefenseOptions(defense);
  const property = monitoredProperty(resolved);
  if (property !== 'mutual-information' && groups === null) {
    throw new MiascopeError(
      `the defence records ${PROPERTY_SYMBOLS[property]} (${property}), which needs a protected attribute to split records into groups g0 and g1; name one with --protected COL[=VALUE]`,
    );
  }
  return { options: resolved, property, shadows: shadows ?? true, groups };
}

/**
 * Replaces an audit's `trainAndScore` task, args [family, xMembers,
 * yMembers, xNonMembers, yNonMembers, options], by regularised training when
 * the defence covers the model: the ANN target, and ANN shadows unless the
 * defence excludes them. Returns null for a model that trains as usual. On
 * `backend` webgpu the task trains there and runs on the calling thread, the
 * one that owns the process's WebGPU device.
 */
export function defendedTask(
  defense: AuditDefense,
  job: { stage: string; family: string; members: Int32Array },
  task: Task,
  features: Table,
  backend: BackendName = 'cpu',
): Task | null {
  if (job.family !== 'ann' || (job.stage === 'shadow' && !defense.shadows)) return null;
  const [, xMembers, yMembers, xNonMembers, yNonMembers, annOptions] = task.args;
  const groups = defense.groups;
  const records = {
    features: takeTableRows(features, job.members),
    groups: groups === null ? null : Uint8Array.from(job.members, (row) => groups[row]),
  };
  return {
    module: DEFENSE_TASK_MODULE,
    name: 'trainDefendedAndScore',
    args: [xMembers, yMembers, xNonMembers, yNonMembers, records, backend === 'cpu' ? annOptions : { ...(annOptions as object), backend }, defense.options],
    ...(backend === 'webgpu' ? { mainThread: true } : {}),
  };
}

/** Collects the defence records of the audit's models, the target first. */
export function defenseSection(defense: AuditDefense, trained: TrainedModel[]): DefenseSection {
  const records = trained.map((model) => (model as Partial<DefendedModel>).defense ?? null);
  if (records[0] === null) throw new Error('defenseSection: the target model was trained without the defence');
  return {
    config: { ...defense.options, property: defense.property, shadows: defense.shadows },
    target: records[0],
    shadows: records.slice(1),
  };
}
