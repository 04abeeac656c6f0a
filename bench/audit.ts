import { runAudit } from '../src/audit/audit.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { fitEncoder } from '../src/data/encode.ts';
import { splitRows } from '../src/data/split.ts';
import { Rng } from '../engine/rng.ts';
import { AnnClassifier } from '../src/models/ann.ts';
import { machineDescription, median, recordSection } from './record.ts';

const REPEATS = 3;
// Fits are short and this machine's speed varies from run to run, so they get more repeats.
const FIT_REPEATS = 7;

/** Wall time of one ANN fit on 10,000 Adult records (SPEC defaults, 50 epochs) and of one default audit. */
export async function benchAudit(): Promise<void> {
  const dataset = loadDataset('adult');
  const [train] = splitRows(dataset.features.rows, [10_000], new Rng('bench'));
  const x = fitEncoder(dataset.features, train).transform(dataset.features, train);
  const y = Int32Array.from(train, (i) => dataset.y[i]);

  const fitSeconds: number[] = [];
  for (let r = 0; r < FIT_REPEATS; r++) {
    const started = performance.now();
    await new AnnClassifier({ seed: r }).fit(x, y);
    fitSeconds.push((performance.now() - started) / 1000);
    console.log(`ANN fit ${r + 1}/${FIT_REPEATS}: ${fitSeconds[r].toFixed(3)} s`);
  }

  const auditSeconds: number[] = [];
  const stages: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const started = performance.now();
    const result = await runAudit({ seed: r });
    auditSeconds.push((performance.now() - started) / 1000);
    const t = result.timing;
    stages.push(
      `load ${t.loadSeconds.toFixed(2)} s, target and shadow training ${t.trainingSeconds.toFixed(2)} s, attack ${t.attackSeconds.toFixed(2)} s, model properties ${t.propertiesSeconds.toFixed(2)} s`,
    );
    console.log(`audit ${r + 1}/${REPEATS}: ${auditSeconds[r].toFixed(3)} s (${stages[r]})`);
  }

  const path = recordSection(
    'audit',
    `## Audit and ANN fit (CPU backend)

Measured by \`npm run bench -- audit\` on ${machineDescription()}, median of ${FIT_REPEATS} fits and of ${REPEATS} audits in one process (the first fit includes V8's warm-up). The ANN fits share one loaded and encoded dataset; each audit loads Adult from the shipped files itself, as \`npx miascope audit\` does (without Node's start-up).

| what | median | runs |
| --- | --- | --- |
| ANN fit, 10,000 Adult records, 14 features, 50 epochs, batch 200 | ${median(fitSeconds).toFixed(3)} s | ${fitSeconds.map((s) => s.toFixed(3)).join(', ')} |
| default audit (10,000 target and 10,000 shadow records, 50 epochs, Adult loaded from the shipped files) | ${median(auditSeconds).toFixed(3)} s | ${auditSeconds.map((s) => s.toFixed(3)).join(', ')} |

Stages of the median audit run: ${stages[auditSeconds.indexOf(median(auditSeconds))] ?? stages[1]}.

Targets on this machine: ANN fit under 0.7 s and default audit under 2.5 s. For scale, scikit-learn 1.2 with OpenBLAS needs 1.4 s for the fit and 2.6 s for the same audit, and TensorFlow.js's pure-JavaScript CPU backend 22 s for the fit alone (figures from the project's planning, not measured by this script).`,
  );
  console.log(`wrote ${path}`);
}
