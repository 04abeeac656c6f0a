import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MiascopeError } from '../errors.ts';

/**
 * Checks before any work starts that `folder` is a writable folder, or can be
 * created as one, so that a bad path is reported at once rather than after a
 * long run. It creates nothing, because writeResultFile creates the folder when
 * the result is ready, so a failed or interrupted command leaves no empty folder.
 * `option` is the command-line option the error message names, with its
 * placeholder (`--out DIR`), and `given` the path the user gave, when that
 * is a file inside `folder`.
 */
export function checkOutputFolder(folder: string, option = '--out DIR', given = folder): void {
  const flag = option.split(' ')[0];
  const existing = nearestExisting(folder);
  if (!statSync(existing).isDirectory()) {
    throw new MiascopeError(
      existing === resolve(given)
        ? `${flag} ${given} is a file; give a folder`
        : `${flag} ${given} lies under ${existing}, which is a file; choose a path under a folder with ${option}`,
    );
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch (error) {
    throw new MiascopeError(`cannot write to output folder ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} in ${existing} (choose a writable folder with ${option})`);
  }
}

/** Returns the absolute path of `path` itself or of its nearest ancestor that exists. */
function nearestExisting(path: string): string {
  const missing = missingFolders(path);
  return missing.length === 0 ? resolve(path) : dirname(missing[missing.length - 1]);
}

/**
 * Writes `content` to `folder/file` atomically: into a temporary file in the
 * same folder first, then renamed, so an interrupted run leaves either the old
 * file or the complete new one, never half of it. Creates missing folders.
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
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'EEXIST' || code === 'ENOTDIR') && existsSync(folder) && !statSync(folder).isDirectory()) {
      throw new MiascopeError(`${option.split(' ')[0]} ${folder} is a file; give a folder`);
    }
    throw new MiascopeError(`cannot write ${path}: ${code ?? (error as Error).message} (choose a writable path with ${option})`);
  }
  return path;
}

/**
 * Runs `work`, which may create `folder`, and removes the folders it created
 * when `work` fails or the process receives SIGINT or SIGTERM, as long as
 * they are then empty. A folder that existed before, or that contains any other
 * file (a partial results.jsonl that a rerun resumes), stays. When `folder`
 * did not exist, `removeOwnFiles` runs first to delete the files of this
 * process that carry no result, such as its lock or an empty results file.
 */
export async function removeEmptyFolderOnFailure<T>(folder: string, work: () => Promise<T>, removeOwnFiles?: () => void): Promise<T> {
  const created = missingFolders(folder);
  const cleanUp = (): void => {
    if (created.length === 0) return;
    try {
      removeOwnFiles?.();
    } catch {
      // A file that cannot be removed keeps the folder, which is then not empty.
    }
    // Deepest first, so that a parent is empty once its created child is gone.
    for (const path of created) {
      try {
        if (readdirSync(path).length > 0) return;
        rmdirSync(path);
      } catch {
        // Not created yet, or no longer removable, so leave it and its parents.
        return;
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanUp();
    // The conventional exit status of a process ended by a signal: 128 + its number.
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } catch (error) {
    cleanUp();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Returns the absolute paths of `folder` and its ancestors that do not exist yet, deepest first. */
function missingFolders(folder: string): string[] {
  const missing: string[] = [];
  let current = resolve(folder);
  while (!existsSync(current) && dirname(current) !== current) {
    missing.push(current);
    current = dirname(current);
  }
  return missing;
}
