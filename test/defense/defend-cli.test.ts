import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAudit } from '../../src/audit/audit.ts';
import { MiascopeError } from '../../src/errors.ts';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));

function miascope(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SMALL = ['--target-size', '300', '--shadow-size', '300', '--epochs', '3', '--threads', '1', '--quiet'];

test('invalid defend options exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--regularizer', 'dropout'], /--regularizer "dropout" is invalid/],
    [['--regularizer', 'none'], /nothing to compare/],
    [['--lambda', '-1'], /--lambda "-1" is invalid/],
    [['--lambda', 'abc'], /--lambda "abc" is invalid/],
    [['--variant', 'exact'], /--variant "exact" is invalid/],
    [['--monitor', 'accuracy', '--regularizer', 'l1'], /--monitor "accuracy" is invalid/],
    [['--epochs', '0'], /--epochs "0" is invalid/],
    [['--backend', 'tpu'], /--backend "tpu" is invalid; choose one of auto, cpu, webgpu/],
    [['--protected', 'gender'], /"gender" not found/],
    [['extra'], /unexpected argument "extra"/],
  ];
  for (const [args, message] of cases) {
    const run = miascope('defend', ...SMALL, ...args);
    assert.is(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.is(run.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
});

test('unwritable out folder exits 2', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-defend-'));
  try {
    const file = join(folder, 'not-a-folder');
    writeFileSync(file, '');
    const run = miascope('defend', ...SMALL, '--out', file);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, 'is a file; give a folder');
    assert.equal(readdirSync(folder), ['not-a-folder']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('defend compares runs on Adult', () => {
  const folder = mkdtempSync(join(tmpdir(), 'miascope-defend-'));
  try {
    const run = miascope('defend', ...SMALL, '--regularizer', 'predictive-fairness', '--lambda', '0.1', '--out', folder);
    assert.is(run.code, 0, run.stderr);
    for (const label of ['target test accuracy', 'attack accuracy (trivial 0.50)', 'attack AUC', 'TPR@1%FPR', 'δ_p at the end', 'δ_p max diff']) {
      assert.match(run.stdout, label);
    }
    assert.equal(readdirSync(folder), ['result.json'], 'only the result file, no temporary file');

    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
    assert.is(result.command, 'defend');
    assert.is(result.defense.regularizer, 'predictive-fairness');
    assert.is(result.defense.lambda, 0.1);
    assert.is(result.baseline.config.seed, result.defended.config.seed);
    assert.is(result.baseline.defense.config.regularizer, 'none');
    assert.is(result.baseline.defense.config.property, 'predictive-fairness');
    for (const name of ['baseline', 'defended']) {
      const audit = result[name];
      const record = audit.defense.target;
      assert.is(record.propertyHistory.length, 4, `${name}: one value before training and one per epoch`);
      assert.is(record.lossHistory.length, 3, `${name}: loss per epoch`);
      assert.ok(record.maxDiff >= 0, `${name}: max diff ${record.maxDiff}`);
      assert.is(audit.defense.shadows.length, 1, `${name}: the shadow's record`);
      assert.ok(audit.attack.auc >= 0, `${name}: AUC ${audit.attack.auc}`);
      assert.ok(audit.attack.auc <= 1, `${name}: AUC ${audit.attack.auc}`);
      assert.is(audit.evaluation.members, 300);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('defence needs an ann target', async () => {
  try {
    await runAudit({ targetModel: 'lr', targetSize: 100, shadowSize: 100, threads: 1, defense: { regularizer: 'l2' } });
    assert.unreachable('a logistic regression target was accepted');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, '--target ann');
  }
});

test.run();
