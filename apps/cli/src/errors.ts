/**
 * An error the user can fix (a bad option value, an unreadable file, a checkpoint that does not
 * match its config): the CLI prints `attnkit: <message>` without a stack trace and exits with 1.
 */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * A usage error: the command line itself is wrong (an option out of range or inconsistent with
 * another). The CLI prints `attnkit: <message>` and exits with 2, as commander's own usage errors.
 */
export class UsageError extends CliError {
  override name = 'UsageError';
}

/** Exit codes of `attnkit` (see docs/errors-and-limits.md). */
export const EXIT = {
  ok: 0,
  /** A runtime error: unreadable file, bad checkpoint, NaN training, memory limit. */
  error: 1,
  /** A usage error: unknown command or option, bad option value. */
  usage: 2,
  /** Stopped by SIGINT (Ctrl-C), after saving the checkpoint: 128 + 2. */
  sigint: 130,
  /** Stopped by SIGTERM, after saving the checkpoint: 128 + 15. */
  sigterm: 143,
} as const;
