import { NonFiniteError } from '@attnkit/tensor';

/**
 * Throws instead of printing NaN: every named number (or list of numbers) must be finite.
 * @throws {@link NonFiniteError} naming the command, the value and what it is.
 */
export function requireFinite(
  command: string,
  values: Readonly<Record<string, number | readonly number[]>>,
): void {
  for (const [name, value] of Object.entries(values)) {
    const list = typeof value === 'number' ? [value] : value;
    const bad = list.find((v) => !Number.isFinite(v));
    if (bad !== undefined) {
      throw new NonFiniteError(
        `${command}: ${name} is ${bad}; the model or the data produced non-finite values (check the checkpoint and the options).`,
      );
    }
  }
}
