// Runs the source of a snippet (TypeScript, ES module syntax) against a table of modules: Sucrase
// strips the types and turns `import { … } from '@attnkit/tensor'` into `require('@attnkit/tensor')`,
// which resolves in `modules`; the code then runs as the body of an async function (so top-level
// `await` works). Line numbers are preserved by Sucrase, so errors point at the snippet's own line.
// The docs worker runs snippets with this, and the Node test suite runs every snippet's source
// through it too. (Evaluating code is the point here; the library packages never do it.)
import { transform } from 'sucrase';
import { formatArgs, formatValue, isFigure } from './format.js';

export type LogLevel = 'log' | 'info' | 'warn' | 'error';

/** What a run reports while it goes. */
export interface RunEvents {
  log(level: LogLevel, text: string): void;
  /** A logged (or returned) SVG document: a figure to draw. */
  figure(svg: string): void;
}

/** The outcome of a run that did not throw: the formatted value `main()` returned, if any. */
export interface RunResult {
  result: string | null;
}

/** A snippet's failure, with the line of the snippet where it happened when it can be found. */
export interface SnippetError {
  name: string;
  message: string;
  line: number | null;
}

const SOURCE_URL = 'snippet.ts';
const PARAMS = ['require', 'exports', 'module', 'console'] as const;

// biome-ignore lint/complexity/useArrowFunction: the constructor of async functions is what is wanted.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

/** Lines the engine puts before a function body (`function anonymous(…\n) {\n`), measured once. */
let headerLines: number | undefined;
function bodyOffset(): number {
  if (headerLines === undefined) {
    try {
      new Function(...PARAMS, `throw new Error('probe');\n//# sourceURL=${SOURCE_URL}`)();
    } catch (error) {
      headerLines = (stackLine(error) ?? 3) - 1;
    }
  }
  return headerLines ?? 2;
}

function stackLine(error: unknown): number | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const match = stack.match(new RegExp(`${SOURCE_URL.replace('.', '\\.')}:(\\d+)(?::\\d+)?`));
  return match ? Number(match[1]) : null;
}

/** TypeScript with ES imports → plain JavaScript with `require` calls, on the same lines. */
export function compile(source: string): string {
  return transform(source, {
    transforms: ['typescript', 'imports'],
    filePath: SOURCE_URL,
    production: true,
    disableESTransforms: true,
  }).code;
}

/** Turns anything thrown (by the compiler, the snippet or a package) into a {@link SnippetError}. */
export function describeError(error: unknown, compiled = true): SnippetError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), line: null };
  let line: number | null = null;
  const loc = error.message.match(/\((\d+):(\d+)\)$/);
  if (!compiled && loc) {
    line = Number(loc[1]);
  } else {
    const raw = stackLine(error);
    if (raw !== null) line = raw - bodyOffset();
  }
  return { name: error.name, message: error.message, line };
}

/** Runs a snippet's source; resolves with the formatted result of its `main`, rejects with a SnippetError. */
export async function runSource(
  source: string,
  modules: Readonly<Record<string, unknown>>,
  events: RunEvents,
): Promise<RunResult> {
  let code: string;
  try {
    code = compile(source);
  } catch (error) {
    throw describeError(error, false);
  }
  const require = (id: string): unknown => {
    if (Object.hasOwn(modules, id)) return modules[id];
    throw new Error(`Cannot import '${id}' here; snippets can import ${Object.keys(modules).join(', ')}.`);
  };
  const log =
    (level: LogLevel) =>
    (...args: unknown[]): void => {
      if (args.length === 1 && isFigure(args[0])) events.figure(args[0]);
      else events.log(level, formatArgs(args));
    };
  const snippetConsole = {
    log: log('log'),
    info: log('info'),
    debug: log('log'),
    warn: log('warn'),
    error: log('error'),
    table: (data: unknown) => events.log('log', formatValue(data)),
  };
  const exports: Record<string, unknown> = {};
  const module = { exports };
  try {
    bodyOffset();
    const fn = new AsyncFunction(...PARAMS, `${code}\n//# sourceURL=${SOURCE_URL}`);
    await fn(require, exports, module, snippetConsole);
    const main = (module.exports as Record<string, unknown>).main;
    const value = typeof main === 'function' ? await (main as () => unknown)() : undefined;
    if (isFigure(value)) {
      events.figure(value);
      return { result: null };
    }
    return { result: value === undefined ? null : formatValue(value) };
  } catch (error) {
    throw describeError(error);
  }
}
