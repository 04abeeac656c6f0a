import type { DatasetOptions } from '../src/data/datasets.ts';
import type { BackendChoice } from '../src/models/backend-choice.ts';

/**
 * The shape of an experiment: one spec per figure or table of Tonni et al.,
 * "Data and Model Dependencies of Membership Inference Attack" (2020). A spec
 * is data (the grid, the trials per point, the datasets of each profile) plus
 * a trial function. The runner expands it into trials, seeds them, runs them
 * on worker threads and appends each result to results.jsonl.
 */

/** `quick`: few trials and small sizes, minutes on two cores. `paper`: the paper's grid and trial counts. */
export type Profile = 'quick' | 'paper';

/** `sound` (the default) or `paper` (the authors' published code). The protocol table of the docs lists the differences. */
export type Protocol = 'sound' | 'paper';

/** Every profile, quick first. */
export const PROFILES: readonly Profile[] = ['quick', 'paper'];

/** Every protocol, sound first, the column order of the reports' side-by-side tables. */
export const PROTOCOLS: readonly Protocol[] = ['sound', 'paper'];

export type Value = string | number | boolean | null;

/** One point of the grid: the value of each varied setting, e.g. `{ classBalance: 0.2 }`. */
export type Point = Record<string, Value>;

export interface ProfileSettings {
  /** Grid points, in plotting order. */
  points: Point[];
  /** Independent trials per point, each with its own seed. */
  trials: number;
  /** Datasets the profile runs on when the command names none: `adult`, `texas`, `purchase`. */
  datasets: string[];
  /** Constants of the profile that the trial function reads (sizes, epochs, pool sizes). */
  settings: Record<string, Value>;
}

/** Everything that decides a trial's result. The runner builds it and the trial function reads it. */
export interface TrialInput {
  experiment: string;
  /** `adult`, `texas`, `purchase` or a CSV path. */
  dataset: string;
  /** Loader options: the folder of Texas and Purchase, the label column of a CSV, and the like. */
  datasetOptions: DatasetOptions;
  protocol: Protocol;
  profile: Profile;
  point: Point;
  /** 0-based index of the trial within its point. */
  trial: number;
  /** Derived by the runner from the experiment, dataset, protocol, point and trial, never from the worker or shard. */
  seed: number;
  settings: Record<string, Value>;
  /**
   * Device on which the trial's ANN target and shadow models train (see `AuditOptions.backend`). It is not
   * part of the trial's key or seed. Absent means `cpu`, so that a results file does not depend on the machine.
   */
  backend?: BackendChoice;
}

/**
 * Measurements of a trial, flat so that they aggregate and print as columns.
 * Names are camelCase. Probabilities and accuracies are in [0, 1], entropies in
 * bits, I_X and δ_mi in the unit their property reports. Every trial that
 * trains a target reports at least `targetTrainAccuracy`, `targetTestAccuracy`,
 * `attackAccuracy`, `attackBalancedAccuracy`, `attackAuc`, `attackTprAt1Fpr`,
 * `attackAdvantage` and `trivialAccuracy`. Null marks a value the trial could
 * not define (for example a fairness gap with an empty group).
 */
export interface TrialOutput {
  metrics: Record<string, number | null>;
  /** Realised values of the sampled data (the class balance actually drawn, and so on). */
  data?: Record<string, Value>;
}

/** Kind of plot in which the report shows an experiment's aggregated results. */
export type ExperimentView =
  /**
   * Mean and 95% interval of each metric against a varied setting `x`, one
   * line per `series` value. With `facet`, one panel per value of that point
   * setting, each with its own x scale, for grids that mix several sweeps on
   * one `x` (Figure 8's width, learning rate and L2 ratio).
   */
  | { kind: 'sweep'; x: string; series?: string; xScale?: 'linear' | 'log'; facet?: string }
  /**
   * Mean `y` against mean `x` with 95% interval bars on both, one point per
   * grid point, coloured by `series`, the points of a series joined in grid
   * order: a utility–privacy plot.
   */
  | { kind: 'tradeoff'; x: string; y: string; series: string }
  /** One dot per trial, metric against `x` (a point setting or a measured metric). */
  | { kind: 'scatter'; x: string }
  /** A grid of mean `value` over settings `x` and `y`. */
  | { kind: 'heatmap'; x: string; y: string; value: string }
  /** Correlations between pooled metrics of other experiments. */
  | { kind: 'correlations' };

export interface ExperimentSpec {
  /** e.g. `fig4-class-balance`. */
  id: string;
  /** The paper's caption, shortened, e.g. `Figure 4: attack accuracy against class balance`. */
  title: string;
  /** The paper's claim this experiment tests, in one sentence. */
  claim: string;
  profiles: Record<Profile, ProfileSettings>;
  /** Metrics the report plots and tabulates, in order. The first is the headline. */
  metrics: string[];
  view: ExperimentView;
  /** Runs one trial. Must depend only on its input, so results match whatever the worker count or sharding. */
  run(input: TrialInput): Promise<TrialOutput>;
  /** Ids of the experiments whose results this one pools instead of running trials of its own (table4). */
  pools?: string[];
  /**
   * Whether the report marks points whose mean target test accuracy is below
   * the prune threshold times the best point's as pruned (failed to train).
   * Default true. Set false where the points change the data distribution
   * (class balance, feature balance, entropy), because there test accuracies
   * differ for reasons other than training and are not comparable.
   */
  prune?: boolean;
}
