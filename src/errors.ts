/**
 * An error the user can fix: a bad file, a bad option, an impossible request.
 * The message names the value at fault and what to change. The CLI prints the
 * message alone (no stack) and exits with code 2; any other error is a bug and
 * keeps its stack.
 */
export class MiascopeError extends Error {
  override readonly name = 'MiascopeError';
}

/** Exit code for user errors, distinct from 1 (crash) and 0 (success). */
export const USER_ERROR_EXIT_CODE = 2;
