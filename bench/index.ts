import { benchAudit } from './audit.ts';
import { benchKernels } from './kernels.ts';
import { benchModels } from './models.ts';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  audit: benchAudit,
  kernels: benchKernels,
  models: benchModels,
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHMARKS));
if (names.length === 0 || unknown.length > 0) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> …${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  process.exit(2);
}
for (const name of names) await BENCHMARKS[name]();
