/** The signals that stop a training run early. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Handlers for {@link listenForStop}: the abort signal, which signal came first, and removal. */
export interface StopListener {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  readonly stoppedBy: () => StopSignal | null;
  /** Removes the handlers (call in `finally`). */
  readonly dispose: () => void;
}

/**
 * SIGINT (Ctrl-C) and SIGTERM (a service manager, `timeout`, a container stop) both stop training:
 * the run saves its checkpoint, then the CLI exits with 128 + the signal number (130, 143).
 */
export function listenForStop(): StopListener {
  const controller = new AbortController();
  let first: StopSignal | null = null;
  const on = (name: StopSignal) => (): void => {
    first ??= name;
    controller.abort();
  };
  const onSigint = on('SIGINT');
  const onSigterm = on('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  return {
    signal: controller.signal,
    stoppedBy: () => first,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}
