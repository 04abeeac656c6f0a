import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiascopeError } from '../errors.ts';

/**
 * Writes `content` to `folder/file` atomically: into a temporary file in the
 * same folder first, then renamed, so an interrupted run leaves either the old
 * file or the complete new one, never half of it.
 */
export function writeResultFile(folder: string, file: string, content: string): string {
  const path = join(folder, file);
  const temporary = join(folder, `.${file}.${process.pid}.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new MiascopeError(`cannot write ${path}: ${(error as Error).message} (choose a writable folder with --out DIR)`);
  }
  return path;
}
