/**
 * Keeps docs/api.md true to the library: every export of src/index.ts is
 * listed in its reference, and every example marked `<!-- example -->` runs.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_DOC = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** Returns the names of every value and type that src/index.ts exports. */
function exportedNames(): string[] {
  const entry = join(ROOT, 'src/index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.name);
}

test('api doc lists every export', () => {
  const names = exportedNames();
  assert.ok(names.length > 100, `src/index.ts exports ${names.length} names`);
  const missing = names.filter((name) => !new RegExp(`^(function|class|const|interface|type) ${name}\\b`, 'm').test(API_DOC));
  assert.equal(missing, [], `docs/api.md lacks ${missing.join(', ')}`);
});

const examples = [...API_DOC.matchAll(/<!-- example -->\n```ts\n([\s\S]*?)```/g)].map((match) => match[1]);

test('api doc has runnable examples', () => {
  assert.ok(examples.length >= 4, `${examples.length} examples`);
});

examples.forEach((source, i) => {
  test(`api doc example ${i + 1} runs`, () => {
    const folder = mkdtempSync(join(tmpdir(), 'miascope-api-example-'));
    const file = join(folder, 'example.mts');
    writeFileSync(file, source.replaceAll("from 'miascope'", `from ${JSON.stringify(join(ROOT, 'src/index.ts'))}`));
    const run = spawnSync(TSX, [file], { cwd: folder, encoding: 'utf8' });
    assert.is(run.status, 0, `example ${i + 1} failed:\n${run.stderr}`);
  });
});

test.run();
