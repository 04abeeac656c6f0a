import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

import { MiascopeError } from '../../src/errors.ts';

/** Runs `action` and returns the MiascopeError it raises; fails the test if it raises nothing or another error. */
export function catchMiascopeError(action: () => unknown): MiascopeError {
  try {
    action();
  } catch (error) {
    assert.instance(error, MiascopeError);
    return error as MiascopeError;
  }
  assert.unreachable('expected a MiascopeError');
  throw new Error('unreachable');
}

let fixtureFolder: string | undefined;

/** Writes `content` to a file called `name` in a temporary folder of this test run and returns its path. */
export function writeFixture(name: string, content: string | Uint8Array): string {
  fixtureFolder ??= mkdtempSync(join(tmpdir(), 'miascope-data-test-'));
  const path = join(fixtureFolder, name);
  writeFileSync(path, content);
  return path;
}
