#!/usr/bin/env node
// Entry point of the `miascope` command. In a source checkout it runs the
// TypeScript sources through tsx (a development dependency); the published
// package ships only the compiled dist/ and imports that.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/src/cli/main.js');
}
