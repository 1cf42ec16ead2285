let enabled = true;

/** True unless inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording operations for autograd (PyTorch `torch.no_grad()`); results do
 * not require gradients. Restores the previous mode even when `fn` throws.
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with recording switched on or off (PyTorch `torch.set_grad_enabled`). */
export function withGradEnabled<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
