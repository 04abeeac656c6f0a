import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MiascopeError } from '../errors.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` against `options` strictly: an unknown option or a missing
 * value is a user error that names the option and points to --help.
 */
export function parseOptions<T extends OptionsConfig>(
  command: string,
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined && /argument missing|argument is ambiguous/.test(message)) {
      throw new MiascopeError(`${option} needs a value, e.g. ${option} ${exampleValue(option)} (see miascope ${command} --help)`);
    }
    const reason =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined
        ? `unknown option ${option}`
        : message.split('. ')[0];
    throw new MiascopeError(`${command}: ${reason} (see miascope ${command} --help)`);
  }
}

/** Example values for the missing-value message, by option; other options show a placeholder. */
const EXAMPLE_VALUES: Record<string, string> = {
  '--seed': '1',
  '--out': 'results',
  '--dataset': 'adult',
  '--target': 'ann',
  '--shadow': 'ann',
  '--attack-model': 'ann',
  '--set': 'knn.k=1',
  '--target-size': '5000',
  '--shadow-size': '5000',
  '--epochs': '50',
  '--shadows': '1',
  '--threads': '4',
  '--workers': '4',
  '--member-rate': '0.5',
  '--protocol': 'sound',
  '--profile': 'quick',
  '--backend': 'cpu',
  '--bins': '10',
  '--label': 'income',
  '--report': 'report.html',
  '--shard': '1/4',
  '--lambda': '1',
  '--regularizer': 'group-fairness',
};

function exampleValue(option: string): string {
  return EXAMPLE_VALUES[option] ?? 'VALUE';
}

/**
 * Parses a command's options, prints `help` and returns undefined for
 * --help, and rejects positional arguments, which no command takes.
 */
export function parseCommand<T extends OptionsConfig>(
  command: string,
  argv: string[],
  options: T,
  help: string,
): ReturnType<typeof parseOptions<T>>['values'] | undefined {
  const { values, positionals } = parseOptions(command, argv, options);
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    return undefined;
  }
  if (positionals.length > 0) {
    throw new MiascopeError(`${command}: unexpected argument ${JSON.stringify(positionals[0])}; options start with -- (see miascope ${command} --help)`);
  }
  return values;
}

/**
 * Rewrites `--name -5` as `--name=-5` for options that take a value, because
 * node:util's parseArgs reads a value starting with a dash as a missing value.
 * Only numbers are joined, so `--name --other` still reports the missing value.
 */
function joinNegativeValues(argv: string[], options: OptionsConfig): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      joined.push(`${argv[i]}=${next}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

/** Parses a whole-number option. Returns undefined when it is absent and raises a user error naming the option when it is invalid. */
export function integerOption(name: string, value: string | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum) {
    throw new MiascopeError(`--${name} ${JSON.stringify(value)} is invalid; give a whole number ≥ ${minimum}`);
  }
  return parsed;
}

/** Parses a number option that must lie strictly between `low` and `high`. Returns undefined when it is absent. */
export function fractionOption(name: string, value: string | undefined, low: number, high: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= low || parsed >= high) {
    throw new MiascopeError(`--${name} ${JSON.stringify(value)} is invalid; give a number strictly between ${low} and ${high}`);
  }
  return parsed;
}
