import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, erfc } from './erf.js';

// scipy.special.erf / erfc (double precision, correctly rounded to ~1 ulp).
const table: [number, number, number][] = [
  [1e-10, 1.1283791670955126e-10, 0.999999999887162],
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [0.3, 0.3286267594591274, 0.6713732405408726],
  [0.46875, 0.492613473217938, 0.507386526782062],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [1, 0.8427007929497148, 0.15729920705028516],
  [2, 0.9953222650189527, 0.004677734981047266],
  [3, 0.9999779095030014, 2.2090496998585445e-5],
  [4, 0.9999999845827421, 1.541725790028002e-8],
  [5, 0.9999999999984626, 1.5374597944280347e-12],
  [10, 1, 2.0884875837625446e-45],
  [26, 1, 5.663192408856145e-296],
  [-1, -0.8427007929497148, 1.8427007929497148],
  [-2.5, -0.999593047982555, 1.999593047982555],
];

const relErr = (x: number, y: number): number => Math.abs(x - y) / Math.abs(y);

describe('erf', () => {
  it('matches scipy to ~1e-15 relative, erfc in the far tail too', () => {
    for (const [x, e, ec] of table) {
      expect(relErr(erf(x), e), `erf(${x})`).toBeLessThan(2e-15);
      expect(relErr(erfc(x), ec), `erfc(${x})`).toBeLessThan(2e-15);
    }
  });

  it('handles 0, ±Infinity and NaN', () => {
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('is odd, and erf + erfc = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(4e-16);
      }),
    );
  });

  it('has derivative 2/√π·e^(-x²) (central differences)', () => {
    fc.assert(
      fc.property(fc.double({ min: -4, max: 4, noNaN: true }), (x) => {
        const h = 1e-5;
        const numeric = (erf(x + h) - erf(x - h)) / (2 * h);
        expect(Math.abs(numeric - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x))).toBeLessThan(1e-9);
      }),
    );
  });
});
