import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MiascopeError } from '../../src/errors.ts';
import { createModel, isModelName, modelFromJSON } from '../../src/models/registry.ts';
import type { ModelJSON } from '../../src/models/classifier.ts';

test('isModelName rejects inherited keys', () => {
  assert.ok(isModelName('knn'));
  assert.not.ok(isModelName('constructor'));
  assert.not.ok(isModelName('toString'));
});

test('createModel rejects unknown family', () => {
  let caught: unknown;
  try {
    createModel('constructor');
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, MiascopeError);
  assert.match((caught as Error).message, 'unknown model "constructor"');
});

test('createModel rejects inherited option names', () => {
  assert.throws(() => createModel('knn', { toString: 1 }), /knn: unknown option toString; options are k, /);
});

test('modelFromJSON rejects unknown family', () => {
  const json = { model: 'constructor', formatVersion: 1 } as unknown as ModelJSON;
  assert.throws(() => modelFromJSON(json), /unknown model "constructor"/);
});

test.run();
