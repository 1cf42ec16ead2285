/**
 * An error the user can fix (a bad option value, an unreadable file, a checkpoint that does not
 * match its config): the CLI prints `attnkit: <message>` without a stack trace and exits with 1.
 */
export class CliError extends Error {
  override name = 'CliError';
}
