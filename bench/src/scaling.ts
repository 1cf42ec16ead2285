/**
 * attnkit's 2-thread/1-thread speed-up measured in interleaved rounds: each round times `steps`
 * steps at 1 thread, then `steps` at 2 (`setNumThreads` between them, one untimed step after each
 * switch), so the host's drift cancels in the per-round ratio as it does for the PyTorch twins.
 */
export interface Scaling {
  rounds: number;
  stepsPerRound: number;
  /** Median step time over all timed steps (ms), at 1 and at 2 threads. */
  oneMs: number;
  twoMs: number;
  /** oneMs / twoMs (the issue-15 target: ≥ 1.6). */
  ratio: number;
  /** The same per round (median of the round's steps). */
  roundRatios: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Leaves attnkit at 2 threads. */
export async function threadScaling(
  step: () => unknown,
  setThreads: (n: number) => unknown,
  options: { rounds: number; steps: number },
): Promise<Scaling> {
  const one: number[] = [];
  const two: number[] = [];
  const roundRatios: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const times = async (threads: number): Promise<number[]> => {
      await setThreads(threads);
      step(); // the first step after a switch starts (or stops) the workers
      const out: number[] = [];
      for (let i = 0; i < options.steps; i++) {
        const t0 = performance.now();
        step();
        out.push(performance.now() - t0);
      }
      return out;
    };
    const r1 = await times(1);
    const r2 = await times(2);
    one.push(...r1);
    two.push(...r2);
    roundRatios.push(median(r1) / median(r2));
  }
  await setThreads(2);
  const oneMs = median(one);
  const twoMs = median(two);
  return {
    rounds: options.rounds,
    stepsPerRound: options.steps,
    oneMs,
    twoMs,
    ratio: oneMs / twoMs,
    roundRatios,
  };
}
