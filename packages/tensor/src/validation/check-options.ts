import { InvalidArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** A custom option type: a description for messages and a test. */
export interface OptionCheck {
  /** What the value must be, e.g. `'a Generator'`. */
  readonly expected: string;
  readonly test: (value: unknown) => boolean;
}

/**
 * The type of one option: a primitive kind, a list of allowed strings, or a custom check.
 * `number` accepts any number (the caller checks its domain); `finite` only finite ones; `integer` safe integers;
 * `boolean` only `true`/`false` (no truthiness); `tensor` a {@link Tensor}; `object` a plain object.
 */
export type OptionType =
  | 'any'
  | 'array'
  | 'boolean'
  | 'finite'
  | 'function'
  | 'integer'
  | 'number'
  | 'object'
  | 'string'
  | 'tensor'
  | readonly string[]
  | OptionCheck;

/** Declared keys of an options object and the type of each. */
export type OptionsSchema = Readonly<Record<string, OptionType>>;

/** How {@link checkOptions} treats a missing object and what it suggests for a wrong form. */
export interface CheckOptionsSettings {
  /** The options object must be given (a constructor config); default `false`. */
  readonly required?: boolean;
  /** What the call looks like with options, for a wrong positional form: `'sum(x, { axis: 0 })'`. */
  readonly usage?: string;
  /** Name of the parameter in messages (default `options`). */
  readonly argument?: string;
  /** Extra near names → the declared key they mean (added to the shared aliases). */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** Proposes the declared key a mistyped option name means (see suggest-key.ts), when loaded. */
type KeySuggester = (
  name: string,
  keys: readonly string[],
  aliases?: Readonly<Record<string, string>>,
) => string | undefined;

let suggester: KeySuggester | undefined;

/**
 * @internal Installs the "did you mean" of unknown-key errors. suggest-key.ts calls it when it is
 * loaded: the package entry loads it (Node, tests, any program that imports `suggestKey`), while a
 * bundle that uses only `checkOptions` leaves it out and its errors list the known options instead.
 */
export function provideKeySuggester(suggest: KeySuggester): void {
  suggester = suggest;
}

/** A short description of a value for messages: `'abc'`, `0 (a number)`, `an array`, `a Tensor`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof Tensor) return `a ${value.dtype} Tensor of shape (${value.shape.join(', ')})`;
  if (typeof value === 'string')
    return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (a string)`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `${String(value)} (a ${typeof value})`;
}

/** True for `{}`-style objects (not arrays, tensors, class instances other than Object). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

type BasicType = Extract<OptionType, string>;

/** Each primitive kind: what the message says it expects, and its test (one table, so both stay in step). */
const BASIC: Readonly<Record<BasicType, readonly [expected: string, test: (v: unknown) => boolean]>> = {
  any: ['any value', () => true],
  array: ['an array', Array.isArray],
  boolean: ['a boolean (true or false)', (v) => typeof v === 'boolean'],
  finite: ['a finite number', Number.isFinite],
  function: ['a function', (v) => typeof v === 'function'],
  integer: ['an integer', Number.isSafeInteger],
  // NaN and ±Infinity pass here: the domain check that follows gives the specific message.
  number: ['a number', (v) => typeof v === 'number'],
  object: ['an object', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)],
  string: ['a string', (v) => typeof v === 'string'],
  tensor: ['a Tensor', (v) => v instanceof Tensor],
};

function expectedOf(type: OptionType): string {
  if (typeof type === 'string') return BASIC[type][0];
  if (Array.isArray(type)) return `one of ${(type as readonly string[]).map((s) => `'${s}'`).join(', ')}`;
  return (type as OptionCheck).expected;
}

function matches(type: OptionType, v: unknown): boolean {
  if (typeof type === 'string') return BASIC[type][1](v);
  if (Array.isArray(type)) return typeof v === 'string' && (type as readonly string[]).includes(v);
  return (type as OptionCheck).test(v);
}

/**
 * Checks an options object against its declared keys and types; the one checker every public
 * options object and constructor config of attnkit goes through.
 *
 * Keys whose value is `undefined` count as absent. Unknown keys are errors with a "did you mean"
 * for near names (snake_case → camelCase, PyTorch/D2L names such as `causal` → `isCausal`; see
 * {@link suggestKey}), or the list of known options when there is none. In a bundle the
 * suggestion comes along only when the program imports `suggestKey` (see docs, performance guide);
 * the list of known options is always there.
 *
 * @param where - The function or constructor, e.g. `'flashAttention'` or `'new Linear'`.
 * @param options - The object the caller passed (may be `undefined` unless `required`).
 * @param schema - Declared keys and their {@link OptionType}.
 * @returns `options`, or `{}` when it was `undefined`.
 * @throws {@link InvalidArgumentError} naming `where`, the key and the expected type; for a
 *   non-object (a wrong positional form such as `sum(x, 0)`) saying which options object is expected.
 * @example
 * ```ts
 * checkOptions('sum', { axis: 0 }, { axis: 'any', keepDim: 'boolean' });
 * ```
 */
export function checkOptions<T extends object>(
  where: string,
  options: T | undefined,
  schema: OptionsSchema,
  settings: CheckOptionsSettings = {},
): T {
  const argument = settings.argument ?? 'options';
  const keys = Object.keys(schema);
  const form = `{ ${keys.map((k) => `${k}?`).join(', ')} }`;
  if (options === undefined && !settings.required) return {} as T;
  if (!isPlainObject(options)) {
    const usage = settings.usage === undefined ? '' : ` (e.g. ${settings.usage})`;
    throw new InvalidArgumentError(
      `${where}: ${argument} must be an options object ${form}${usage}; got ${describeValue(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (!Object.hasOwn(schema, key)) {
      const hint = suggester?.(key, keys, settings.aliases);
      const tail =
        hint === undefined ? ` Known options: ${keys.join(', ') || '(none)'}.` : ` Did you mean '${hint}'?`;
      throw new InvalidArgumentError(`${where}: unknown option '${key}' in ${argument}.${tail}`);
    }
    if (value === undefined) continue;
    const type = schema[key]!;
    if (!matches(type, value)) {
      throw new InvalidArgumentError(
        `${where}: ${argument}.${key} must be ${expectedOf(type)}; got ${describeValue(value)}.`,
      );
    }
  }
  return options;
}
