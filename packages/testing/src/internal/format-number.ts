/** A tolerance or step for messages: `1e-5` and `1.3e-6` rather than `0.00001` and `0.0000013`. */
export function formatNumber(x: number): string {
  return x !== 0 && Number.isFinite(x) && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)
    ? x.toExponential()
    : String(x);
}
