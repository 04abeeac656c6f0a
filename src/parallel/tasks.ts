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
  /**
   * Run on the calling thread, one after another, while the other tasks use
   * the workers: for tasks that need the process's one WebGPU device, which
   * Dawn's Node bindings do not share with worker threads.
   */
  mainThread?: boolean;
}

export interface RunTasksOptions {
  /** Most worker threads at once. Default: the number of CPU cores. */
  threads?: number;
  /** Workers to run on instead of starting new ones; `threads` is then ignored. */
  pool?: WorkerPool;
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
  if (tasks.some((task) => task.mainThread) && tasks.some((task) => !task.mainThread)) return runSplit<T>(tasks, options);
  if (tasks.some((task) => task.mainThread)) return runInline<T>(tasks, options);
  if (options.pool !== undefined && options.pool.size > 1 && tasks.length > 1) return options.pool.run<T>(tasks, options.onReport);
  const threads = Math.min(options.threads ?? defaultThreads(), tasks.length);
  if (threads <= 1) return runInline<T>(tasks, options);

  const pool = await WorkerPool.start(threads);
  try {
    return await pool.run<T>(tasks, options.onReport);
  } finally {
    await pool.close();
  }
}

/** Runs the main-thread tasks inline while the others go to workers; results and reports keep the tasks' own indices. */
async function runSplit<T>(tasks: Task[], options: RunTasksOptions): Promise<T[]> {
  const inline = tasks.flatMap((task, index) => (task.mainThread ? [index] : []));
  const elsewhere = tasks.flatMap((task, index) => (task.mainThread ? [] : [index]));
  const part = (indices: number[]): Promise<T[]> =>
    (indices === inline ? runInline<T> : runTasks<T>)(
      indices.map((index) => ({ ...tasks[index], mainThread: false })),
      { ...options, onReport: (local, message) => options.onReport?.(indices[local], message) },
    );
  const [inlineResults, otherResults] = await Promise.all([part(inline), part(elsewhere)]);
  const results = new Array<T>(tasks.length);
  inline.forEach((index, local) => (results[index] = inlineResults[local]));
  elsewhere.forEach((index, local) => (results[index] = otherResults[local]));
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
 * Source of a pool worker's script: it imports the `preload` modules, then
 * runs each task it receives and posts back reports and one result or
 * error per task. From TypeScript sources (development) it first registers
 * tsx, the loader the sources already run under.
 */
function workerSource(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const loader = fromSource ? JSON.stringify(import.meta.resolve('tsx/esm/api')) : null;
  return `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (${loader === null ? 'Promise.resolve()' : `import(${loader}).then((api) => api.register())`})
  .then(() => Promise.all(workerData.preload.map((module) => import(module))));
parentPort.on('message', (task) => {
  ready
    .then(() => import(task.module))
    .then((module) => module[task.name](...task.args, (message) => parentPort.postMessage({ id: task.id, report: message })))
    .then((result) => parentPort.postMessage({ id: task.id, result }))
    .catch((error) => parentPort.postMessage({ id: task.id, error: { name: error?.name, message: error?.message, stack: error?.stack } }));
});
`;
}

interface WorkerMessage {
  id: number;
  report?: unknown;
  result?: unknown;
  error?: { name: string; message: string; stack: string };
}

/**
 * Worker threads kept for several batches of tasks, so that a run pays their
 * start-up (and, from sources, the TypeScript loader and module imports)
 * once. Started before the data is loaded, the workers warm up meanwhile.
 * Call `close()` when done; the pool keeps the process alive until then.
 */
export class WorkerPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; onReport: (message: unknown) => void }>();

  private constructor(private readonly workers: import('node:worker_threads').Worker[]) {
    for (const worker of workers) {
      worker.on('message', (message: WorkerMessage) => this.receive(message));
      worker.on('error', (error) => this.failAll(error));
      worker.on('exit', (code) => {
        if (this.pending.size > 0) this.failAll(new Error(`a worker thread exited with code ${code} while tasks were running`));
      });
    }
  }

  /** Starts `threads` workers that import `preload` (module URLs) while the caller goes on. */
  static async start(threads: number, preload: string[] = []): Promise<WorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const source = workerSource();
    return new WorkerPool(Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData: { preload } })));
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs `tasks` on the pool's workers, at most one per worker at a time, and returns their results in task order.
   * `onResult` receives each result as soon as its task finishes, in order of completion.
   */
  async run<T>(tasks: Task[], onReport?: (taskIndex: number, message: unknown) => void, onResult?: (taskIndex: number, result: T) => void): Promise<T[]> {
    const results = new Array<T>(tasks.length);
    let next = 0;
    const lane = async (worker: import('node:worker_threads').Worker): Promise<void> => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = (await this.send(worker, tasks[index], (message) => onReport?.(index, message))) as T;
        onResult?.(index, results[index]);
      }
    };
    await Promise.all(this.workers.slice(0, tasks.length).map(lane));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private send(worker: import('node:worker_threads').Worker, task: Task, onReport: (message: unknown) => void): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onReport });
      worker.postMessage({ id, module: task.module, name: task.name, args: task.args });
    });
  }

  private receive(message: WorkerMessage): void {
    const entry = this.pending.get(message.id);
    if (entry === undefined) return;
    if ('report' in message) {
      entry.onReport(message.report);
      return;
    }
    this.pending.delete(message.id);
    if (message.error !== undefined) entry.reject(reviveError(message.error));
    else entry.resolve(message.result);
  }

  private failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}

/** Rebuilds an error thrown in a worker, keeping user errors typed so the CLI still exits with code 2. */
function reviveError(error: { name: string; message: string; stack: string }): Error {
  const revived = error.name === 'MiascopeError' ? new MiascopeError(error.message) : new Error(error.message);
  revived.stack = error.stack;
  return revived;
}
