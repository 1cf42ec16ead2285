import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/io.js';

/** An {@link Io} that records what a command writes (not a terminal: progress comes as JSON lines). */
export interface CapturedIo extends Io {
  stdout(): string;
  stderr(): string;
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    stdout: () => out,
    stderr: () => err,
  };
}

/** A fresh directory under the OS temp dir. */
export function tempDir(prefix = 'attnkit-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The `config.json` of a run directory, parsed. */
export async function readConfig(dir: string) {
  return JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
}

/** The JSON lines of a non-TTY run, parsed. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * `io` with its output watched: the `n`-th step event written emits SIGINT on the process, as
 * Ctrl-C would. `steps()` counts the step events seen.
 */
export function sigintAtStep(io: CapturedIo, n: number): { io: Io; steps: () => number } {
  let steps = 0;
  return {
    io: {
      ...io,
      out: {
        write: (t: string) => {
          if (t.includes('"event":"step"') && ++steps === n) process.emit('SIGINT');
          return io.out.write(t);
        },
      },
    },
    steps: () => steps,
  };
}
