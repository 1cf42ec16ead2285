/** An error class, as `instanceof` takes it (`InvalidArgumentError`, `ShapeError`, `RangeError`…). */
export type ErrorClass = new (...args: never[]) => Error;

/**
 * Asserts that `call` throws an instance of `errorClass` whose message matches `message` — the check
 * of every row of the packages' `test/robustness` tables: the right error class, and a message that
 * names the argument. Works with any test runner (it throws a plain `Error` on failure).
 *
 * @param call - The bad call, e.g. `() => maskedSoftmax(scores, null)`.
 * @param errorClass - The class the error must be an instance of.
 * @param message - A pattern the message must match (e.g. `/validLens/`), or a substring.
 * @returns The error thrown, for further checks.
 * @throws Error if `call` returns normally, throws something else, or the message does not match;
 *   the failure message quotes what was thrown.
 * @example
 * ```ts
 * expectThrows(() => tensor([1.5], { dtype: 'int32' }), InvalidArgumentError, /int32/);
 * ```
 */
export function expectThrows(call: () => unknown, errorClass: ErrorClass, message: RegExp | string): Error {
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  const describe = (e: unknown): string =>
    e instanceof Error ? `${e.constructor.name}: ${e.message}` : `a non-error value ${String(e)}`;
  if (thrown === undefined) {
    throw new Error(
      `expectThrows: expected ${errorClass.name} matching ${String(message)}; nothing was thrown.`,
    );
  }
  if (!(thrown instanceof errorClass)) {
    throw new Error(`expectThrows: expected ${errorClass.name}; got ${describe(thrown)}.`);
  }
  const matches =
    typeof message === 'string' ? thrown.message.includes(message) : message.test(thrown.message);
  if (!matches) {
    throw new Error(
      `expectThrows: expected a ${errorClass.name} message matching ${String(message)}; got ${describe(thrown)}.`,
    );
  }
  return thrown;
}
