import { parseBackendChoice, type BackendChoice } from '../models/backend-choice.ts';

/**
 * The `--backend` option shared by every command that trains models: spread
 * BACKEND_OPTIONS into the command's parseArgs options, BACKEND_HELP into its
 * help, and read the value with backendFromOptions.
 */
export const BACKEND_OPTIONS = {
  backend: { type: 'string' },
} as const;

export const BACKEND_HELP = `  --backend auto|cpu|webgpu
                            where the ANN target and shadow models train: cpu;
                            webgpu (an error when no adapter exists); or auto,
                            webgpu on a hardware GPU when a training step is
                            large enough to gain, else cpu. A choice that
                            probed an adapter is logged on stderr with the
                            adapter's name (default: auto)
`;

/** Returns the checked --backend value, or `auto` when the option is absent. */
export function backendFromOptions(values: { backend?: string }): BackendChoice {
  return values.backend === undefined ? 'auto' : parseBackendChoice(values.backend);
}

/** Writes the backend choice on stderr, one line, unless `quiet`. */
export function backendLogger(quiet: boolean): (message: string) => void {
  return (message) => {
    if (!quiet) process.stderr.write(`miascope: ${message}\n`);
  };
}
