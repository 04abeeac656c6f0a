import { availableParallelism } from 'node:os';
import { MiascopeError } from '../errors.ts';

/**
 * Runs independent tasks on worker threads, one thread per task up to a
 * limit, and returns their results in task order. A task names an exported
 * async function by module URL, so the worker imports the same code; its
 * arguments and result must survive structured cloning (typed arrays do;
 * class instances arrive as plain objects). The function receives a `report`
 * callback as its last argument, whose messages reach `onReport` on the main
 * thread.
 *
 * Results do not depend on the number of threads: each task computes the same
 * values wherever it runs. With `threads` = 1, or where worker threads are not
 * available, tasks run one after another on the calling thread.
 */
export interface Task {
  /** URL of the module, e.g. `new URL('./train.ts', import.meta.url).href`. */
  module: string;
  /** Name of the exported function. */
  name: string;
  args: unknown[];
}

export interface RunTasksOptions {
  /** Most worker threads at once. Default: the number of CPU cores. */
  threads?: number;
  onReport?: (taskIndex: number, message: unknown) => void;
}

/**
 * URL of a module given by a path relative to `base` (an `import.meta.url`),
 * written with the `.ts` extension of the sources. The compiled package runs
 * `.js` files, so the extension follows the one of `base`.
 */
export function moduleUrl(path: string, base: string): string {
  const url = new URL(path, base).href;
  return base.endsWith('.ts') ? url : url.replace(/\.ts$/, '.js');
}

type TaskFunction = (...args: unknown[]) => Promise<unknown>;

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export async function runTasks<T>(tasks: Task[], options: RunTasksOptions = {}): Promise<T[]> {
  const threads = Math.min(options.threads ?? defaultThreads(), tasks.length);
  if (threads <= 1) return runInline<T>(tasks, options);

  const results = new Array<T>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await runInWorker<T>(tasks[index], (message) => options.onReport?.(index, message));
    }
  };
  await Promise.all(Array.from({ length: threads }, lane));
  return results;
}

async function runInline<T>(tasks: Task[], options: RunTasksOptions): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < tasks.length; index++) {
    const { module, name, args } = tasks[index];
    const fn = (await import(module))[name] as TaskFunction;
    results.push((await fn(...args, (message: unknown) => options.onReport?.(index, message))) as T);
  }
  return results;
}

/**
 * Source of the worker's script. From TypeScript sources (development) the
 * worker first registers tsx, the loader the sources already run under.
 */
function workerSource(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const loader = fromSource ? JSON.stringify(import.meta.resolve('tsx/esm/api')) : null;
  return `
const { parentPort, workerData } = require('node:worker_threads');
const ready = ${loader === null ? 'Promise.resolve()' : `import(${loader}).then((api) => api.register())`};
ready
  .then(() => import(workerData.module))
  .then((module) => module[workerData.name](...workerData.args, (message) => parentPort.postMessage({ report: message })))
  .then((result) => parentPort.postMessage({ result }))
  .catch((error) => parentPort.postMessage({ error: { name: error?.name, message: error?.message, stack: error?.stack } }));
`;
}

async function runInWorker<T>(task: Task, onReport: (message: unknown) => void): Promise<T> {
  const { Worker } = await import('node:worker_threads');
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(workerSource(), { eval: true, workerData: task });
    let settled = false;
    worker.on('message', (message: { report?: unknown; result?: T; error?: { name: string; message: string; stack: string } }) => {
      if ('report' in message) {
        onReport(message.report);
        return;
      }
      settled = true;
      void worker.terminate();
      if (message.error !== undefined) reject(reviveError(message.error));
      else resolve(message.result as T);
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`worker for ${task.name} exited with code ${code} before returning a result`));
    });
  });
}

/** Rebuilds an error thrown in a worker, keeping user errors typed so the CLI still exits with code 2. */
function reviveError(error: { name: string; message: string; stack: string }): Error {
  const revived = error.name === 'MiascopeError' ? new MiascopeError(error.message) : new Error(error.message);
  revived.stack = error.stack;
  return revived;
}
