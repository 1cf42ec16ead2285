/** Somewhere text can be written (process.stdout, or a buffer in tests). */
export interface TextSink {
  write(text: string): unknown;
}

/** Where a command writes: `out` for results, `err` for diagnostics, and a terminal for live progress. */
export interface Io {
  readonly out: TextSink;
  readonly err: TextSink;
  /**
   * The terminal stdout when it is a TTY: commands then draw live progress bars on it. When
   * undefined, progress is written to `out` as JSON lines (one object per line).
   */
  readonly terminal?: NodeJS.WriteStream;
}

/** The process's own streams. */
export function processIo(): Io {
  return process.stdout.isTTY
    ? { out: process.stdout, err: process.stderr, terminal: process.stdout }
    : { out: process.stdout, err: process.stderr };
}

/** Writes one line. */
export function writeLine(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}

/** Writes one JSON line (machine-readable output when stdout is not a TTY). */
export function writeJson(sink: TextSink, record: Readonly<Record<string, unknown>>): void {
  sink.write(`${JSON.stringify(record)}\n`);
}
