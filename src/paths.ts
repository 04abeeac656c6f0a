import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'miascope';

let cachedRoot: string | undefined;

/**
 * Returns the folder of miascope's package.json: the nearest folder above this
 * module whose package.json has the name "miascope". Works from src/ run by
 * tsx, from the compiled dist/src/, and from an installed package.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;

  const start = dirname(fileURLToPath(import.meta.url));
  for (let folder = start; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) {
      cachedRoot = folder;
      return folder;
    }
    if (dirname(folder) === folder) break;
  }
  throw new Error(`package root not found: no package.json named "${PACKAGE_NAME}" in ${start} or any folder above it`);
}

/** Returns the absolute path of `segments` joined below the package root, e.g. `packagePath('data', 'adult')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

function readPackageName(manifest: string): unknown {
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')).name;
  } catch {
    // An unreadable or invalid package.json belongs to some other package.
    return undefined;
  }
}

let cachedVersion: string | undefined;

/** The version field of miascope's package.json. */
export function packageVersion(): string {
  cachedVersion ??= String(JSON.parse(readFileSync(packagePath('package.json'), 'utf8')).version);
  return cachedVersion;
}
