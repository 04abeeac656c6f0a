/**
 * Error paths: shape errors name the op and the shapes involved, backward
 * rejects what it cannot differentiate, and noGrad records nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  add,
  backward,
  dense,
  div,
  exp,
  matmul,
  mul,
  noGrad,
  reshape,
  softmax,
  softmaxCrossEntropy,
  sub,
  sum,
  tensor,
  zeros,
  type Tensor,
} from '../../engine/index.ts';
import { isRecording, record } from '../../engine/autograd.ts';
import { gradientRules } from '../../engine/gradients.ts';

/** Calls `fn`, asserts that it throws an instance of `type`, and returns the message. */
function messageOf(fn: () => unknown, type: new (...args: never[]) => Error = Error): string {
  try {
    fn();
  } catch (error) {
    assert.instance(error, type, `expected a ${type.name}`);
    return (error as Error).message;
  }
  assert.unreachable('expected an error, none was thrown');
  return '';
}

/** Asserts that `message` contains `part` literally. */
function assertContains(message: string, part: string): void {
  assert.ok(message.includes(part), `"${message}" does not contain "${part}"`);
}

test('matmul mismatch names op and shapes', () => {
  const message = messageOf(() => matmul(zeros([2, 3]), zeros([4, 5])), RangeError);
  assertContains(message, 'matmul');
  assertContains(message, '[2, 3]');
  assertContains(message, '[4, 5]');
});

test('broadcast mismatch names op and shapes', () => {
  const ops: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
  ];
  for (const [name, op] of ops) {
    const message = messageOf(() => op(zeros([2, 3]), zeros([4])), RangeError);
    assertContains(message, name);
    assertContains(message, '[2, 3]');
    assertContains(message, '[4]');
  }
});

test('rank-3 broadcast mismatch names shapes', () => {
  // The leading axes 2 and 3 neither match nor contain a 1.
  const message = messageOf(() => add(zeros([2, 3, 4]), zeros([3, 1, 4])), RangeError);
  assertContains(message, 'add');
  assertContains(message, '[2, 3, 4]');
  assertContains(message, '[3, 1, 4]');
});

test('dense mismatch names op and shapes', () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[4, 3], [2, 5], [5]],
    [[4, 3], [3, 5], [4]],
    [[3], [3, 5], [5]],
  ];
  for (const [x, w, b] of cases) {
    const message = messageOf(() => dense(zeros(x), zeros(w), zeros(b)), RangeError);
    assertContains(message, 'dense');
    assertContains(message, `x [${x.join(', ')}]`);
    assertContains(message, `W [${w.join(', ')}]`);
    assertContains(message, `b [${b.join(', ')}]`);
  }
});

test('reshape size mismatch names shapes', () => {
  const message = messageOf(() => reshape(zeros([2, 3]), [4, 2]), RangeError);
  assertContains(message, 'reshape');
  assertContains(message, '[2, 3]');
  assertContains(message, '[4, 2]');
});

test('sum axis out of range', () => {
  const message = messageOf(() => sum(zeros([2, 3]), 2), RangeError);
  assertContains(message, 'sum');
  assertContains(message, 'axis 2');
});

test('softmax rejects rank 3', () => {
  const message = messageOf(() => softmax(zeros([2, 2, 2])), RangeError);
  assertContains(message, 'softmax');
  assertContains(message, '[2, 2, 2]');
});

test('backward on non-scalar raises', () => {
  const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const message = messageOf(() => backward(exp(x)), RangeError);
  assertContains(message, 'backward');
  assertContains(message, '[2, 3]');
});

test('backward without requiresGrad raises', () => {
  const message = messageOf(() => backward(sum(tensor([1, 2], [2]))));
  assertContains(message, 'backward');
});

test('crossEntropy label above range', () => {
  const logits = zeros([3, 4]);
  const message = messageOf(() => softmaxCrossEntropy(logits, Int32Array.from([0, 3, 4])), RangeError);
  assertContains(message, 'softmaxCrossEntropy');
  assertContains(message, 'row 2');
  assertContains(message, 'label 4');
});

test('crossEntropy negative label', () => {
  const message = messageOf(() => softmaxCrossEntropy(zeros([2, 4]), Int32Array.from([-1, 0])), RangeError);
  assertContains(message, 'row 0');
  assertContains(message, 'label -1');
});

test('crossEntropy label count mismatch', () => {
  const message = messageOf(() => softmaxCrossEntropy(zeros([3, 2]), Int32Array.from([0, 1])), RangeError);
  assertContains(message, '2 labels');
  assertContains(message, '3 rows');
});

test('noGrad records nothing', () => {
  const x = tensor([1, 2, 3], [3], { requiresGrad: true });
  const y = noGrad(() => sum(mul(exp(x), x)));
  assert.is(y.entry, null, 'no tape entry');
  assert.is(y.requiresGrad, false, 'output does not require gradients');
  assert.throws(() => backward(y), /backward/, 'backward has nothing to differentiate');
  assert.is(x.grad, null, 'input gradient stays empty');
});

test('noGrad restores recording after throw', () => {
  assert.throws(() =>
    noGrad(() => {
      throw new Error('inside noGrad');
    }),
  );
  assert.ok(isRecording(), 'recording is back on');
  const x = tensor([1, 2], [2], { requiresGrad: true });
  assert.ok(sum(x).entry !== null, 'ops record again');
});

test('nested noGrad keeps recording off', () => {
  noGrad(() => {
    noGrad(() => undefined);
    assert.not.ok(isRecording(), 'inner noGrad does not turn recording back on');
  });
  assert.ok(isRecording());
});

// The tape walker sums a broadcast gradient back to its input's shape. A
// gradient that does not broadcast to the input (here [5] for an input of
// shape [3]) is a bug in a gradient rule and must be reported with the op and
// both shapes, not cut to size.
test('misshaped rule gradient is reported', () => {
  gradientRules.misshapedForTest = () => [tensor([1, 2, 3, 4, 5], [5])];
  try {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = record(sum(zeros([3])), 'misshapedForTest', [x]);
    const message = messageOf(() => backward(y));
    assertContains(message, 'misshapedForTest');
    assertContains(message, '[5]');
    assertContains(message, '[3]');
  } finally {
    delete gradientRules.misshapedForTest;
  }
});

test.run();
