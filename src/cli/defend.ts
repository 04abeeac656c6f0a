import { AUDIT_PROTOCOLS, runAudit, type AuditOptions, type AuditProtocol, type AuditResult } from '../audit/audit.ts';
import {
  DEFAULT_LAMBDA,
  DEFENSE_DEFAULTS,
  monitoredProperty,
  PROPERTY_REGULARIZERS,
  PROPERTY_SYMBOLS,
  REGULARIZERS,
  resolveDefenseOptions,
  VARIANTS,
  type DefenseOptions,
  type PropertyRegularizer,
  type Regularizer,
  type Variant,
} from '../defense/options.ts';
import { MiascopeError } from '../errors.ts';
import { packageVersion } from '../paths.ts';
import type { PropertyValue } from '../properties/model.ts';
import { count, fixed, textTable } from '../report/format.ts';
import { integerOption, parseCommand } from './args.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, backendFromOptions, backendLogger } from './backend-option.ts';
import { choiceOption, DATASET_HELP, DATASET_OPTIONS, datasetFromOptions } from './dataset-options.ts';
import { checkOutputFolder, writeResultFile } from './output.ts';
import { createProgressReporter } from './progress.ts';

export const DEFEND_HELP = `Usage: miascope defend [options]

Trains the target network (and the shadow networks, as the attacker mimics the
target's training) twice with the same seed: once with a regulariser, once
without. Attacks both with the shadow-model attack of \`miascope audit\` and
prints the utility and the leakage side by side. The property regularisers
follow Algorithm 1 of Tonni et al., "Data and Model Dependencies of
Membership Inference Attack" (2020): every epoch, l draws of m training
records measure the property r on the current model, and the loss gains
λ·Σ_j|θ_j·r| over the network's weights.

Options:
  --regularizer R           group-fairness (δ_g, default), predictive-fairness
                            (δ_p, equal opportunity), individual-fairness
                            (δ_i), mutual-information (I_X), l1 or l2
  --lambda L                weight λ ≥ 0 of the penalty (default: ${DEFAULT_LAMBDA.property.paper} for a
                            property with --variant paper, ${DEFAULT_LAMBDA.property.smooth} with smooth;
                            ${DEFAULT_LAMBDA.l1} for l1, ${DEFAULT_LAMBDA.l2} for l2: on Adult, each the
                            largest reduction of δ_g that kept test accuracy
                            within one point)
  --variant paper|smooth    paper (default): r from predicted labels, measured
                            once per epoch and held constant in the gradient.
                            smooth: r from predicted probabilities at every
                            step, so that its gradient reaches the weights
  --monitor PROPERTY        property recorded per epoch under l1 and l2, one
                            of the four property regularisers (default:
                            group-fairness); the unregularised run records the
                            same property as the regularised one
  --draws L                 draws per measurement of r (default: ${DEFENSE_DEFAULTS.draws})
  --draw-size M             training records per draw (default: ${DEFENSE_DEFAULTS.drawSize})
${DATASET_HELP}  --protocol sound|paper    audit protocol (default: sound; see miascope audit --help)
  --protected COL[=VALUE]   protected attribute splitting records into groups g0
                            and g1 (default: sex for Adult, else the first
                            two-valued column)
  --target-size N           target training records (default: min(10000, rows/4))
  --shadow-size N           shadow training records (default: min(10000, rows/4))
  --epochs N                training epochs k of the target and shadow models (default: 50)
  --seed S                  seed of every random step, the same for both runs (default: 0)
  --threads N               worker threads for independent trainings (default:
                            the number of CPU cores; results do not depend on it)
${BACKEND_HELP}  --out DIR                 write DIR/result.json with both audits
  --json                    print the result as JSON instead of the table
  --quiet                   no progress output on stderr
  -h, --help                show this help

The membership I_X, which retrains models, is skipped in both audits.
`;

const OPTIONS = {
  ...DATASET_OPTIONS,
  ...BACKEND_OPTIONS,
  regularizer: { type: 'string' },
  lambda: { type: 'string' },
  variant: { type: 'string' },
  monitor: { type: 'string' },
  draws: { type: 'string' },
  'draw-size': { type: 'string' },
  protocol: { type: 'string' },
  protected: { type: 'string' },
  'target-size': { type: 'string' },
  'shadow-size': { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The result of `miascope defend`: the same audit without and with the regulariser. */
export interface DefendResult {
  tool: { name: 'miascope'; version: string };
  command: 'defend';
  defense: DefenseOptions & { property: PropertyRegularizer };
  baseline: AuditResult;
  defended: AuditResult;
}

function lambdaOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new MiascopeError(`--lambda ${JSON.stringify(value)} is invalid; give a finite number ≥ 0, such as ${DEFAULT_LAMBDA.property.paper}`);
  }
  return parsed;
}

export async function defendCommand(argv: string[]): Promise<void> {
  const values = parseCommand('defend', argv, OPTIONS, DEFEND_HELP);
  if (values === undefined) return;

  const regularizer = (choiceOption('regularizer', values.regularizer, REGULARIZERS) ?? 'group-fairness') as Regularizer;
  if (regularizer === 'none') {
    throw new MiascopeError(`--regularizer none leaves nothing to compare, since defend always runs the unregularised network; choose one of ${REGULARIZERS.slice(1).join(', ')}`);
  }
  const defense = resolveDefenseOptions({
    regularizer,
    lambda: lambdaOption(values.lambda),
    variant: choiceOption('variant', values.variant, VARIANTS) as Variant | undefined,
    monitor: choiceOption('monitor', values.monitor, PROPERTY_REGULARIZERS) as PropertyRegularizer | undefined,
    draws: integerOption('draws', values.draws, 1),
    drawSize: integerOption('draw-size', values['draw-size'], 2),
  });
  const property = monitoredProperty(defense);
  const epochs = integerOption('epochs', values.epochs, 1);
  const source = datasetFromOptions(values, values.seed ?? 0);
  const common: Partial<AuditOptions> = {
    dataset: source.dataset,
    datasetOptions: source.options,
    protocol: choiceOption('protocol', values.protocol, AUDIT_PROTOCOLS) as AuditProtocol | undefined,
    protected: values.protected,
    targetSize: integerOption('target-size', values['target-size'], 2),
    shadowSize: integerOption('shadow-size', values['shadow-size'], 2),
    seed: values.seed ?? 0,
    model: epochs === undefined ? {} : { epochs },
    properties: { membershipRepeats: 0 },
    threads: integerOption('threads', values.threads, 1),
    backend: backendFromOptions(values),
  };
  // The unregularised run records the same property with the same draws.
  const { lambda: _lambda, monitor: _monitor, regularizer: _regularizer, ...drawSettings } = defense;

  if (values.out !== undefined) checkOutputFolder(values.out);
  const progress = createProgressReporter(values.quiet ?? false);
  const log = backendLogger(values.quiet ?? false);
  const audit = (run: string, defenseOptions: AuditOptions['defense']) =>
    runAudit({
      ...common,
      defense: defenseOptions,
      // Both runs make the same backend choice; the line is logged once.
      onLog: run === 'unregularised' ? log : undefined,
      onProgress: (p) => progress.update(`${run} ${p.stage === 'attack' ? 'attack models' : 'target and shadow models'}`, p.completed / p.total, p.loss),
    });
  let baseline: AuditResult;
  let defended: AuditResult;
  try {
    baseline = await audit('unregularised', { ...drawSettings, regularizer: 'none', monitor: property });
    defended = await audit('regularised', { ...defense });
  } finally {
    progress.stop();
  }

  const result: DefendResult = {
    tool: { name: 'miascope', version: packageVersion() },
    command: 'defend',
    defense: { ...defense, property },
    baseline,
    defended,
  };
  const json = JSON.stringify(result, null, 2) + '\n';
  const written = values.out === undefined ? undefined : writeResultFile(values.out, 'result.json', json);
  process.stdout.write(values.json ? json : formatComparison(result, written));
}


/** Returns the audit's own measurement of the property on all training records. */
function auditProperty(result: AuditResult, property: PropertyRegularizer): PropertyValue | null {
  const headline = result.properties.headline;
  switch (property) {
    case 'group-fairness':
      return headline.groupFairness;
    case 'predictive-fairness':
      return headline.predictiveFairness;
    case 'individual-fairness':
      return headline.individualFairness;
    case 'mutual-information':
      return headline.information;
  }
}

/** Formats the side-by-side comparison printed on stdout. */
export function formatComparison(result: DefendResult, written?: string): string {
  const { defense, baseline, defended } = result;
  const symbol = PROPERTY_SYMBOLS[defense.property];
  const name = (PROPERTY_REGULARIZERS as readonly string[]).includes(defense.regularizer)
    ? `${PROPERTY_SYMBOLS[defense.regularizer as PropertyRegularizer]} (${defense.regularizer})`
    : defense.regularizer.toUpperCase();
  const runs = [baseline, defended];
  const row = (label: string, read: (run: AuditResult) => string): string[] => [label, ...runs.map(read)];
  // The per-group attack splits records by the protocol's fairness groups.
  const model = baseline.properties.model;
  const groups = baseline.protocol === 'paper' ? { g0: 'the rest', g1: model.paper.groups.g1 } : model.protectedAttribute;
  const unit = defense.property === 'mutual-information' ? ' (bits)' : '';

  const rows = [
    ['', 'none', `${defense.regularizer === 'l1' || defense.regularizer === 'l2' ? name : symbol}, λ = ${defense.lambda}`],
    row('target train accuracy', (run) => fixed(run.target.trainAccuracy)),
    row('target test accuracy', (run) => fixed(run.target.testAccuracy)),
    row(`attack accuracy (trivial ${baseline.evaluation.trivialAccuracy.toFixed(2)})`, (run) => fixed(run.attack.accuracy)),
    row('attack balanced accuracy', (run) => fixed(run.attack.balancedAccuracy)),
    row('attack AUC', (run) => fixed(run.attack.auc)),
    row('attack TPR@1%FPR', (run) => fixed(run.attack.tprAtOnePercentFpr)),
    ...(groups === null
      ? []
      : [
          row(`attack AUC, g0 (${groups.g0})`, (run) => fixed(run.properties.model.attackByGroup?.g0.auc)),
          row(`attack AUC, g1 (${groups.g1})`, (run) => fixed(run.properties.model.attackByGroup?.g1.auc)),
        ]),
    row(`${symbol}${unit} at the end, all training records`, (run) => fixed(auditProperty(run, defense.property)?.value)),
    row(`${symbol}${unit} at the end, max of ${defense.draws} draws of ${defense.drawSize}`, (run) => fixed(run.defense?.target.propertyHistory.at(-1))),
    row(`${symbol} max diff during training`, (run) => fixed(run.defense?.target.maxDiff)),
  ];

  const dataset = baseline.dataset;
  const lines = [
    `miascope defend: ${dataset.name}, ${count(baseline.config.targetSize)} target records · regulariser ${name}, ` +
      `λ = ${defense.lambda}, variant ${defense.variant} · protocol ${baseline.protocol} · seed ${baseline.config.seed}`,
    '',
    textTable(rows),
    '',
    `Attacks on ${count(baseline.evaluation.members)} members and ${count(baseline.evaluation.nonMembers)} non-members of each target; ` +
      `the shadow networks trained ${defended.defense?.config.shadows ? 'with' : 'without'} the regulariser as well.`,
    `Max diff: the largest decrease of ${symbol} from one epoch to any later one (Table 5 of the paper), each value the largest of ${defense.draws} draws of ${defense.drawSize} training records.`,
  ];
  if (written !== undefined) lines.push(`Result written to ${written}`);
  return lines.join('\n') + '\n';
}
