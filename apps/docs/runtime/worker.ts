// The Web Worker that runs snippets for the docs pages: nothing a snippet does touches the main
// thread. Messages in: { id, source }. Messages out: { id, type: 'log' | 'figure' | 'done' | 'error', … }.
// The page enforces the time limit (and Stop) by terminating the worker.
import { describeError, runSource, type SnippetError } from './execute.js';
import { MODULES } from './modules.js';

interface RunRequest {
  id: number;
  source: string;
}

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
};

scope.onmessage = async (event) => {
  const { id, source } = event.data;
  const post = (message: Record<string, unknown>) => scope.postMessage({ id, ...message });
  const start = performance.now();
  try {
    const { result } = await runSource(source, MODULES, {
      log: (level, text) => post({ type: 'log', level, text }),
      figure: (svg) => post({ type: 'figure', svg }),
    });
    post({ type: 'done', result, ms: performance.now() - start });
  } catch (error) {
    const failure: SnippetError =
      typeof error === 'object' && error !== null && 'line' in error
        ? (error as SnippetError)
        : describeError(error);
    post({ type: 'error', ...failure, ms: performance.now() - start });
  }
};

scope.postMessage({ id: 0, type: 'ready' });
