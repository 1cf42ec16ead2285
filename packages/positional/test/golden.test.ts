// PyTorch fixtures from tools/golden/positional.py (keys in FIXTURES.md): D2L §11.6
// PositionalEncoding's table P and forward output, and the exact float64 table.
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { PositionalEncoding, sinusoidalEncoding } from '../src/index.js';
import { flat, sinusoidRow } from './helpers.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface Fixture {
  numHiddens: number;
  maxLen: number;
  dropout: number;
  P60: Fixed;
  tail: { positions: number[]; P: Fixed };
  exact: { positions: number[]; float64: Fixed; float32: Fixed; maxAbsDiff: number };
  forward: { X: Fixed; output: Fixed };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/positional.json', import.meta.url), 'utf8'),
) as Fixture;

const load = (f: Fixed): Tensor => tensor(f.data, { shape: f.shape, dtype: f.dtype });

/** Rows `positions` of a (maxLen, d) or (1, maxLen, d) table, flattened. */
function rows(table: Tensor, positions: readonly number[]): number[] {
  const d = table.shape[table.ndim - 1]!;
  const values = table.toTypedArray();
  return positions.flatMap((i) => Array.from(values.subarray(i * d, (i + 1) * d)));
}

describe('golden: PositionalEncoding (D2L §11.6)', () => {
  const { numHiddens, maxLen, dropout } = fixture;
  const pe = new PositionalEncoding({ numHiddens, maxLen, dropout }).eval();

  it('matches D2L P[:, :60, :] within 1e-5', () => {
    const first60 = Array.from({ length: 60 }, (_, i) => i);
    expect(fixture.P60.shape).toEqual([1, 60, numHiddens]);
    expectClose(rows(pe.P, first60), fixture.P60.data, { atol: 1e-5, rtol: 0 });
  });

  it("matches D2L's float32 rows near maxLen up to D2L's float32-angle error (2.6e-5)", () => {
    const { positions, P } = fixture.tail;
    const ours = rows(pe.P, positions);
    expectClose(ours, P.data, { atol: 3e-5, rtol: 0 });
    expectClose(
      ours,
      positions.flatMap((i) => sinusoidRow(i, numHiddens)),
      { atol: 1e-7, rtol: 0 },
    );
    // The whole difference is D2L's rounding of the angle i / 10000^(2j/d) to float32: with that
    // angle emulated (Math.fround at each float32 step), its rows are reproduced within 1e-6.
    const f = Math.fround;
    const d2lAngles = positions.flatMap((i) =>
      Array.from({ length: numHiddens }, (_, c) => {
        const angle = f(i / f(10000 ** f((2 * (c >> 1)) / numHiddens)));
        return c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
      }),
    );
    expectClose(d2lAngles, P.data, { atol: 1e-6, rtol: 0 });
  });

  it('matches forward(X) = X + P[:, :10, :] within 1e-5', () => {
    const out = pe.forward(load(fixture.forward.X));
    expect(out.shape).toEqual(fixture.forward.output.shape);
    expectClose(flat(out), fixture.forward.output.data, { atol: 1e-5, rtol: 0 });
  });

  it("matches the exact float64 table within 1e-6, where D2L's float32 table is off by up to 8.6e-6", () => {
    const { positions, float64, float32 } = fixture.exact;
    const ours = rows(pe.P, positions);
    expectClose(ours, float64.data, { atol: 1e-6, rtol: 0 });
    expectClose(rows(sinusoidalEncoding(maxLen, numHiddens), positions), float64.data, {
      atol: 1e-6,
      rtol: 0,
    });
    // The reference's own error: the test above could tell the two tables apart.
    const d2lError = Math.max(...float32.data.map((v, i) => Math.abs(v - float64.data[i]!)));
    expect(d2lError).toBeGreaterThan(8e-6);
    expect(d2lError).toBeCloseTo(fixture.exact.maxAbsDiff, 6);
  });

  it('matches the exact float64 table within 1e-13 in float64', () => {
    const { positions, float64 } = fixture.exact;
    const P = sinusoidalEncoding(maxLen, numHiddens, { dtype: 'float64' });
    expectClose(rows(P, positions), float64.data, { atol: 1e-13, rtol: 0 });
  });
});
