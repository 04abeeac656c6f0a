import { MiascopeError } from '../errors.ts';
import { AUDIT_PROTOCOLS, runAudit, type AuditOptions, type AuditProtocol, type AuditResult, type ModelSummary } from '../audit/audit.ts';
import { MODEL_NAMES, type ModelName } from '../models/registry.ts';
import { familyOptionsFrom } from './family-options.ts';
import type { ModelProperties, PropertyValue } from '../properties/model.ts';
import { fractionOption, integerOption, parseCommand } from './args.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, backendFromOptions, backendLogger } from './backend-option.ts';
import { choiceOption, DATASET_HELP, DATASET_OPTIONS, datasetFromOptions } from './dataset-options.ts';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkOutputFolder, writeResultFile } from './output.ts';
import { createProgressReporter } from './progress.ts';
import { renderAuditReport } from '../report/html.ts';
import { positiveClassName, textTable } from '../report/format.ts';
import { fprResolvable, lowFprNote } from '../report/attack-sections.ts';

export const AUDIT_HELP = `Usage: miascope audit [options]

Trains a target model, shadow models on disjoint data from the same
distribution, and the shadow-model membership inference attack (Shokri et al.),
then measures how well the attack and threshold attacks tell the target's
training records (members) from held-out records (non-members), with the
target model's fairness, information and indistinguishability properties.

Options:
${DATASET_HELP}  --protocol sound|paper    sound (default): miascope's definitions, balanced
                            evaluation, z-score features fit on each training
                            set. paper: the authors' published code: target
                            pool split 75/25 into members/non-members, all
                            scored (trivial accuracy 0.75); min-max features
                            over the whole table; tanh ANN, plain SGD, batch
                            500 (shadows: 10 epochs, batch 100, pools split
                            75/25 stratified); attack ANN of 5 tanh units, SGD
                            lr 1e-4; lr C=1, svm C=1, knn k=5; the paper's
                            fairness and I_X forms. --member-rate, --epochs
                            and --set override the protocol's values
  --target MODEL            target model family: ${MODEL_NAMES.join(', ')} (default: ann)
  --shadow MODEL|all        shadow model family, or all for one shadow of each
                            family with their attack examples pooled
                            (default: the target's family)
  --shadows N               shadow models of that family, each on its own draw
                            from the shadow pool (default: 1)
  --attack-model MODEL      attack model family: ${MODEL_NAMES.join(', ')}
                            (default: ann, 64 hidden units, Adam)
  --set FAMILY.NAME=VALUE   an option of one model family, repeatable, e.g.
                            --set knn.k=1 --set rf.maxDepth=10 --set svm.C=1
                            --set ann.hiddenLayers=[100,50]; defaults: ann one
                            hidden layer of 50, SGD lr 0.001, 50 epochs; lr
                            C=0.01; svm C=0.01, RBF, gamma=scale; rf 100 trees
                            of depth 2; knn k=3
  --target-size N           target training records; under --protocol paper
                            the target pool that --member-rate splits
                            (default: min(10000, rows/4))
  --shadow-size N           shadow training records, read like --target-size
                            (default: min(10000, rows/4))
  --member-rate R           share of members in the evaluation set, in (0, 1)
                            (default: 0.5, paper: 0.75; any rate other than 0.5
                            gives accuracy a trivial baseline of max(R, 1 − R))
  --epochs N                training epochs of the target and shadow models
                            (default: 50; paper: 50 for the target, 10 for
                            the shadows)
  --protected COL[=VALUE]   protected attribute splitting records into groups g0
                            and g1 for the fairness properties and the per-group
                            attack (default: sex for Adult, else the first
                            two-valued column). A two-valued column needs no
                            VALUE (g1 = its second value in sorted order); a
                            categorical column with more values needs VALUE,
                            the category of g1; a numeric column needs VALUE
                            as a threshold T (g0: ≤ T, g1: > T)
  --membership-repeats R    models retrained on halves of up to 1,000 target-pool
                            records for the membership I_X; even, 0 skips it
                            (default: 4)
  --seed S                  seed of every random step (default: 0)
${BACKEND_HELP}  --threads N               worker threads for independent trainings (default:
                            the number of CPU cores; results do not depend on it)
  --out DIR                 write DIR/result.json
  --report FILE             write the audit report to FILE, one self-contained
                            HTML page (tables, ROC curves, score histograms)
                            that loads nothing from the network; creates
                            missing folders
  --json                    print the result as JSON instead of the summary
  --quiet                   no progress output on stderr
  -h, --help                show this help
`;

const OPTIONS = {
  ...DATASET_OPTIONS,
  target: { type: 'string' },
  shadow: { type: 'string' },
  shadows: { type: 'string' },
  'attack-model': { type: 'string' },
  set: { type: 'string', multiple: true },
  'target-size': { type: 'string' },
  'shadow-size': { type: 'string' },
  'member-rate': { type: 'string' },
  protocol: { type: 'string' },
  epochs: { type: 'string' },
  protected: { type: 'string' },
  'membership-repeats': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  ...BACKEND_OPTIONS,
  out: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function auditCommand(argv: string[]): Promise<void> {
  const values = parseCommand('audit', argv, OPTIONS, AUDIT_HELP);
  if (values === undefined) return;

  const epochs = integerOption('epochs', values.epochs, 1);
  const membershipRepeats = integerOption('membership-repeats', values['membership-repeats'], 0);
  const source = datasetFromOptions(values, values.seed ?? 0);
  const options: Partial<AuditOptions> = {
    dataset: source.dataset,
    datasetOptions: source.options,
    targetModel: (values.target ?? 'ann') as ModelName,
    shadowModel: values.shadow as ModelName | 'all' | undefined,
    shadows: integerOption('shadows', values.shadows, 1) ?? 1,
    attack: values['attack-model'] === undefined ? {} : { model: values['attack-model'] as ModelName },
    familyOptions: familyOptionsFrom(values.set ?? []),
    targetSize: integerOption('target-size', values['target-size'], 2),
    shadowSize: integerOption('shadow-size', values['shadow-size'], 2),
    protocol: choiceOption('protocol', values.protocol, AUDIT_PROTOCOLS) as AuditProtocol | undefined,
    // Left undefined when not given, so that the protocol's member rate applies.
    memberRate: fractionOption('member-rate', values['member-rate'], 0, 1),
    seed: values.seed ?? 0,
    model: epochs === undefined ? {} : { epochs },
    protected: values.protected,
    properties: membershipRepeats === undefined ? {} : { membershipRepeats },
    threads: integerOption('threads', values.threads, 1),
    backend: backendFromOptions(values),
    onLog: backendLogger(values.quiet ?? false),
  };

  if (values.out !== undefined) checkOutputFolder(values.out);
  if (values.report !== undefined) checkReportPath(values.report);
  const progress = createProgressReporter(values.quiet ?? false);
  let result: AuditResult;
  try {
    result = await runAudit({ ...options, onProgress: (p) => progress.update(p.stage === 'attack' ? 'attack models' : 'target and shadow models', p.completed / p.total, p.loss) });
  } finally {
    progress.stop();
  }

  const json = JSON.stringify(result, null, 2) + '\n';
  // The report renders before anything is written, so a failure leaves no file behind.
  const report = values.report === undefined ? undefined : await renderAuditReport(result);
  const written = values.out === undefined ? undefined : writeResultFile(values.out, 'result.json', json);
  const reportPath =
    values.report === undefined || report === undefined
      ? undefined
      : writeResultFile(dirname(values.report), basename(values.report), report, '--report FILE');
  process.stdout.write(values.json ? json : formatSummary(result, written) + (reportPath === undefined ? '' : `Report written to ${reportPath}\n`));
}

/** Rejects a report path that is a folder or lies where no folder can be created, before the audit's long work starts. */
function checkReportPath(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new MiascopeError(`--report ${path} is a folder; give the path of an HTML file, e.g. ${join(path, 'report.html')}`);
  }
  checkOutputFolder(dirname(path), '--report FILE', path);
}

const fixed = (value: number, digits = 4): string => value.toFixed(digits);
const count = (value: number): string => value.toLocaleString('en-US');


/** Formats the human-readable summary printed on stdout. */
export function formatSummary(result: AuditResult, written?: string): string {
  const { dataset, target, shadows, evaluation, attack, metricAttacks } = result;
  const lines: string[] = [];
  lines.push(
    `miascope audit: ${dataset.name}, ${count(dataset.rows)} records, ${dataset.features.length} features, ` +
      `${dataset.positivePercent.toFixed(1)}% ${positiveClassName(dataset.classNames[1])} · protocol ${result.protocol} · seed ${result.config.seed}`,
    '',
  );
  const modelRow = (role: string, summary: ModelSummary): string[] => [
    `${role} (${summary.model})`,
    count(summary.trainRecords),
    fixed(summary.trainAccuracy),
    fixed(summary.testAccuracy),
  ];
  lines.push(
    textTable([
      ['model', 'records', 'train accuracy', 'test accuracy'],
      modelRow('target', target),
      ...shadows.map((shadow, s) => modelRow(shadows.length === 1 ? 'shadow' : `shadow ${s + 1}`, shadow)),
    ]),
    ...result.warnings.map((warning) => `Warning: ${warning}.`),
    '',
  );

  lines.push(
    `Attacks on ${count(evaluation.members)} members and ${count(evaluation.nonMembers)} non-members ` +
      `(member rate ${evaluation.memberRate.toFixed(2)}, trivial accuracy ${evaluation.trivialAccuracy.toFixed(2)}):`,
  );
  const lowFprMark = (maxFpr: number): string => (fprResolvable(maxFpr, evaluation.nonMembers) ? '' : '*');
  const attackRow = (name: string, m: AuditResult['attack']): string[] => [
    name,
    fixed(m.accuracy),
    fixed(evaluation.trivialAccuracy),
    fixed(m.balancedAccuracy),
    fixed(m.auc),
    fixed(m.tprAtOnePercentFpr),
    fixed(m.tprAtTenthPercentFpr),
    fixed(m.advantage),
  ];
  lines.push(
    textTable([
      ['attack', 'accuracy', 'trivial acc.', 'balanced acc.', 'AUC', `TPR@1%FPR${lowFprMark(0.01)}`, `TPR@0.1%FPR${lowFprMark(0.001)}`, 'advantage'],
      attackRow(`shadow model (${result.config.attack.model})`, attack),
      attackRow('loss threshold', { ...metricAttacks.loss, kind: 'shadow-model' }),
      attackRow('entropy threshold', { ...metricAttacks.entropy, kind: 'shadow-model' }),
    ]),
  );
  const note = lowFprNote(evaluation.nonMembers);
  if (note !== null) lines.push(`* ${note}.`);
  const [aucReading, ...otherReadings] = result.reading;
  lines.push('', `Reading: ${aucReading}`, ...otherReadings);
  lines.push('', ...formatModelProperties(result.properties.model, result.protocol));
  if (written !== undefined) lines.push(`Result written to ${written}`);
  return lines.join('\n') + '\n';
}

/** Formats the target model's properties as a short block of lines. */
function formatModelProperties(model: ModelProperties, protocol: AuditProtocol): string[] {
  const value = (property: PropertyValue | null): string =>
    property === null ? 'n/a' : Number.isFinite(property.value) ? fixed(property.value) : 'n/a (a group has no records for it)';
  const row = (label: string, text: string): string => `  ${label.padEnd(27)}${text}`;
  const lines = [
    protocol === 'paper'
      ? 'Target model properties (the paper protocol\'s forms, in brackets, are the headline values; the sound forms are shown beside them):'
      : 'Target model properties (sound protocol; the paper protocol\'s forms in brackets):',
  ];

  const groups = model.protectedAttribute;
  if (groups === null) {
    lines.push('  fairness: no protected attribute (give one with --protected COL[=VALUE])');
  } else {
    lines.push(
      `  groups: g0 = ${groups.g0} (${count(groups.trainingRecords[0])} training records), g1 = ${groups.g1} (${count(groups.trainingRecords[1])})`,
      row('δ_g group fairness', `${value(model.groupFairness)}  (gap in predicted-class shares between g0 and g1)`),
      row('δ_p predictive fairness', `${value(model.predictiveFairness)}  (gap in true-positive rates, equal opportunity)`),
      row('δ_i individual fairness', `${value(model.individualFairness)}  (output distance vs record distance, over record pairs of any group)`),
    );
  }

  const paperGroups = model.paper.groups.trainingRecords;
  lines.push(
    `  paper groups: g1 = ${model.paper.groups.g1} (${count(paperGroups[1])} training records), g0 = the rest (${count(paperGroups[0])})`,
    row('  δ_g, δ_p, δ_i', `[${value(model.paper.groupFairness)}, precision gap ${value(model.paper.predictiveFairness)}, group-share gap ${value(model.paper.individualFairness)}]`),
  );

  lines.push(row('δ_mi indistinguishability', `${value(model.indistinguishability)} nats`));
  const membership = model.membershipInformation;
  lines.push(
    row(
      'I_X predictive',
      `${value(model.information)} bits  [Kraskov estimate on first-layer weights: ${
        model.paper.information === null ? 'n/a for this model or feature count' : `${value(model.paper.information)} nats`
      }]`,
    ),
    row(
      'I_X membership',
      membership === null
        ? 'skipped (--membership-repeats 0)'
        : `${value(membership)} bits (no-leakage baseline ${fixed(membership.noLeakageBaseline)}: the estimate's bias with ${membership.repeats} models on ${count(membership.poolRecords)} records)`,
    ),
  );

  if (model.attackByGroup !== null) {
    const { g0, g1 } = model.attackByGroup;
    // Below 100 non-members a group's only FPR within 1% is 0 (see fprResolvable).
    const groupTpr = (group: typeof g0): string =>
      `${fixed(group.tprAtOnePercentFpr)}${group.nonMembers === 0 || fprResolvable(0.01, group.nonMembers) ? '' : ` (at FPR 0: ${count(group.nonMembers)} non-members, 1% needs 100)`}`;
    lines.push(
      row('shadow-model attack, g0', `AUC ${fixed(g0.auc)}, TPR@1%FPR ${groupTpr(g0)}`),
      row('shadow-model attack, g1', `AUC ${fixed(g1.auc)}, TPR@1%FPR ${groupTpr(g1)}`),
    );
  }
  return lines;
}
