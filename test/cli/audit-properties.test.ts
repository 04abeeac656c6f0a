import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));

function miascope(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SMALL = ['--target-size', '300', '--shadow-size', '300', '--epochs', '3', '--quiet'];

test('unknown protected column exits 2', () => {
  const run = miascope('audit', ...SMALL, '--protected', 'gender');
  assert.is(run.code, 2);
  assert.match(run.stderr, '"gender" not found');
  assert.match(run.stderr, 'sex');
  assert.match(run.stderr, 'race');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('unknown protected value exits 2', () => {
  const run = miascope('audit', ...SMALL, '--protected', 'race=Martian');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'White');
  assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
});

test('odd membership repeats exit 2', () => {
  const run = miascope('audit', ...SMALL, '--membership-repeats', '3');
  assert.is(run.code, 2);
  assert.match(run.stderr, 'even');
});

test('audit json contains model properties', () => {
  const run = miascope('audit', '--json', '--target-size', '1000', '--shadow-size', '1000', '--epochs', '5', '--quiet');
  assert.is(run.code, 0, run.stderr);
  const model = JSON.parse(run.stdout).properties.model;
  assert.equal(model.protectedAttribute.g1, 'sex = Male');
  const values: Array<[string, unknown]> = [
    ['groupFairness', model.groupFairness],
    ['predictiveFairness', model.predictiveFairness],
    ['individualFairness', model.individualFairness],
    ['indistinguishability', model.indistinguishability],
    ['information', model.information],
    ['membershipInformation', model.membershipInformation],
    ['paper.predictiveFairness', model.paper.predictiveFairness],
    ['paper.individualFairness', model.paper.individualFairness],
    ['paper.information', model.paper.information],
  ];
  for (const [name, property] of values) {
    const { value, estimator, protocol } = property as { value: number; estimator: string; protocol: string };
    assert.type(value, 'number', `${name}.value`);
    assert.ok(Number.isFinite(value), `${name}.value = ${value}`);
    assert.ok(value >= 0, `${name}.value = ${value}`);
    assert.type(estimator, 'string', `${name}.estimator`);
    assert.ok(protocol === (name.startsWith('paper.') ? 'paper' : 'sound'), `${name}.protocol = ${protocol}`);
  }
  assert.is(model.individualFairness.pairs, 10_000);
  assert.is(model.membershipInformation.repeats, 4);
  assert.is(model.membershipInformation.poolRecords, 1000);
  for (const group of ['g0', 'g1']) {
    const metrics = model.attackByGroup[group];
    assert.ok(metrics.auc >= 0, `${group} AUC ${metrics.auc}`);
    assert.ok(metrics.auc <= 1, `${group} AUC ${metrics.auc}`);
    assert.ok(metrics.tprAtOnePercentFpr >= 0, `${group} TPR@1%FPR ${metrics.tprAtOnePercentFpr}`);
    assert.ok(metrics.tprAtOnePercentFpr <= 1, `${group} TPR@1%FPR ${metrics.tprAtOnePercentFpr}`);
    assert.ok(metrics.members > 0, `${group} members`);
    assert.ok(metrics.nonMembers > 0, `${group} non-members`);
  }
  assert.is(model.attackByGroup.g0.members + model.attackByGroup.g1.members, 1000);
});

test('audit summary prints properties', () => {
  const run = miascope('audit', ...SMALL, '--membership-repeats', '0');
  assert.is(run.code, 0, run.stderr);
  for (const label of ['δ_g', 'δ_p', 'δ_i', 'δ_mi', 'I_X predictive', 'I_X membership', 'attack, g0', 'attack, g1']) {
    assert.match(run.stdout, label);
  }
});

test.run();
