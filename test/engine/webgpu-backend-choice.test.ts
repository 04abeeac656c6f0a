/**
 * The backend choice above the engine: the `auto` rule, option checks, and an
 * audit whose ANNs train on WebGPU on the main thread while other work uses
 * worker threads, with the same results for any thread count.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeAdapter } from '../../engine/backend/webgpu/index.ts';
import { MiascopeError } from '../../src/errors.ts';
import { AUTO_MIN_STEP_FLOPS, annStepFlops, parseBackendChoice, resolveBackendChoice } from '../../src/models/backend-choice.ts';
import { gpuTest } from './webgpu-setup.ts';

test('annStepFlops counts three products a layer', () => {
  // Widths 14 → 50 → 2 on 200 rows: 6 · 200 · (14·50 + 50·2).
  assert.is(annStepFlops(14, [50], 2, 200), 6 * 200 * (14 * 50 + 50 * 2));
  assert.is(annStepFlops(3, [], 2, 10), 6 * 10 * 3 * 2);
});

test('auto logs cpu for small problems', async () => {
  const lines: string[] = [];
  assert.is(await resolveBackendChoice('auto', 1e6, (line) => lines.push(line)), 'cpu');
  assert.equal(lines, [`backend auto: cpu (an ANN training step is 1.0 MFLOP, under the ${AUTO_MIN_STEP_FLOPS / 1e6} MFLOP at which WebGPU starts to gain)`]);
});

test('cpu choice needs no adapter', async () => {
  assert.is(await resolveBackendChoice('cpu', 1e12), 'cpu');
});

test('invalid backend choice names the values', () => {
  let caught: unknown;
  try {
    parseBackendChoice('gpu');
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, MiascopeError);
  assert.match((caught as Error).message, /--backend "gpu" is invalid; choose one of auto, cpu, webgpu/);
});

test('auto on a large problem follows the adapter', async () => {
  const adapter = await probeAdapter();
  const lines: string[] = [];
  const choice = await resolveBackendChoice('auto', 10 * AUTO_MIN_STEP_FLOPS, (line) => lines.push(line));
  assert.is(lines.length, 1);
  if (adapter === null) {
    assert.is(choice, 'cpu');
    assert.match(lines[0], 'no WebGPU adapter');
  } else {
    // A software adapter (lavapipe) never gains over the CPU backend.
    assert.is(choice, adapter.software ? 'cpu' : 'webgpu');
    assert.ok(lines[0].includes(adapter.name), lines[0]);
  }
});

gpuTest(test, 'explicit webgpu logs the adapter', async (gpu) => {
  const lines: string[] = [];
  assert.is(await resolveBackendChoice('webgpu', 1, (line) => lines.push(line)), 'webgpu');
  assert.ok(lines[0].includes(gpu.adapter.name), lines[0]);
});

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));

/** Runs a small audit through the CLI (worker threads need its ES module loader) and returns the result without timing. */
function cliAudit(...args: string[]): { result: Record<string, unknown> & { config: { backend?: string }; target: { testAccuracy: number } }; stderr: string } {
  const small = ['audit', '--shadow', 'all', '--target-size', '400', '--shadow-size', '400', '--epochs', '5', '--membership-repeats', '0', '--seed', 'webgpu-audit', '--json', '--quiet'];
  const run = spawnSync(process.execPath, [BIN, ...small, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`miascope audit ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  result.timing = null;
  return { result, stderr: run.stderr };
}

gpuTest(test, 'webgpu audit matches across threads', () => {
  // One shadow of each family: the ANNs train on this thread while the other families use workers.
  const single = cliAudit('--backend', 'webgpu', '--threads', '1').result;
  const parallel = cliAudit('--backend', 'webgpu', '--threads', '2').result;
  const cpu = cliAudit('--backend', 'cpu', '--threads', '2').result;
  assert.is(single.config.backend, 'webgpu');
  assert.is(cpu.config.backend, 'cpu');
  assert.is(JSON.stringify(parallel), JSON.stringify(single));
  const gapPoints = 100 * Math.abs(single.target.testAccuracy - cpu.target.testAccuracy);
  assert.ok(gapPoints <= 0.5, `target test accuracy ${single.target.testAccuracy} on WebGPU, ${cpu.target.testAccuracy} on the CPU`);
});

test('cli rejects an invalid backend', () => {
  const run = spawnSync(process.execPath, [BIN, 'audit', '--backend', 'gpu'], { encoding: 'utf8' });
  assert.is(run.status, 2);
  assert.match(run.stderr, '--backend "gpu" is invalid; choose one of auto, cpu, webgpu');
});

test.run();
