import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));
/** Module of the toy spec, which the CLI loads through MIASCOPE_EXPERIMENT_MODULES. The paper's list never contains it. */
export const TOY_MODULE = fileURLToPath(new URL('./fixtures/toy-spec.ts', import.meta.url));
export const TOY_ID = 'toy-train-size';

export const CHILD_ENV = { ...process.env, MIASCOPE_EXPERIMENT_MODULES: TOY_MODULE };

/** Runs the miascope CLI with the fixture spec registered and returns its exit code and output. */
export function miascope(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: CHILD_ENV });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts the miascope CLI without waiting for it. */
export function startMiascope(...args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { env: CHILD_ENV, stdio: 'ignore' });
}

/** Returns the lines of `folder/results.jsonl` without their `seconds` field, the one field that differs between runs. */
export function resultLines(folder: string): string[] {
  return readFileSync(join(folder, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/,"seconds":[^,}]*\}$/, '}'));
}
