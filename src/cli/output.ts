import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiascopeError } from '../errors.ts';

/**
 * Creates the output folder before any work starts, so that a folder that
 * cannot be written is reported at once rather than after a long run.
 * `option` is the command-line option the error message suggests.
 */
export function prepareOutputFolder(folder: string, option = '--out DIR'): void {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new MiascopeError(`cannot write to output folder ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose a writable folder with ${option})`);
  }
}

/**
 * Writes `content` to `folder/file` atomically: into a temporary file in the
 * same folder first, then renamed, so an interrupted run leaves either the old
 * file or the complete new one, never half of it.
 */
export function writeResultFile(folder: string, file: string, content: string, option = '--out DIR'): string {
  const path = join(folder, file);
  const temporary = join(folder, `.${file}.${process.pid}.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The temporary file was never created (its folder is not a folder).
    }
    throw new MiascopeError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose a writable path with ${option})`);
  }
  return path;
}
