import { MiascopeError, USER_ERROR_EXIT_CODE } from '../errors.ts';
import { packageVersion } from '../paths.ts';
import { AUDIT_HELP, auditCommand } from './audit.ts';
import { EXPERIMENT_HELP, experimentCommand } from './experiment.ts';
import { DEFEND_HELP, defendCommand } from './defend.ts';
import { PROPERTIES_HELP, propertiesCommand } from './properties.ts';

const HELP = `Usage: miascope <command> [options]

Membership inference audits of tabular classifiers.

Commands:
  audit        train a target model and attack it with a shadow-model attack
  experiment   run the paper's experiments (figures and tables) and report them
  defend       train with a regulariser (fairness, I_X, L1, L2) and compare the attack with and without it
  properties   measure a dataset's size, class and feature balance, and entropy

Options:
  -h, --help     show this help (and \`miascope <command> --help\` for a command)
  -v, --version  print the version

Example:
  miascope audit --dataset adult --target-size 5000 --out results/
`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  audit: { run: auditCommand, help: AUDIT_HELP },
  experiment: { run: experimentCommand, help: EXPERIMENT_HELP },
  defend: { run: defendCommand, help: DEFEND_HELP },
  properties: { run: propertiesCommand, help: PROPERTIES_HELP },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const entry = COMMANDS[command];
    if (entry === undefined) {
      throw new MiascopeError(`unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')} (see miascope --help)`);
    }
    await entry.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof MiascopeError) {
      process.stderr.write(`miascope: ${error.message}\n`);
      return USER_ERROR_EXIT_CODE;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
