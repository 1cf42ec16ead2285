import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosAccurate, logAccurate, sinAccurate } from './accurate-math.js';

// Correctly rounded values (mpmath at 200 bits) at arguments where V8's Math.log/cos/sin are one
// ulp off: the reason these functions exist.
const LOG = [
  [0.7449309742605783, -0.29446371689426293],
  [0.34840702727723705, -1.0543838640658805],
  [0.5778834244172827, -0.5483831185108635],
  [0.5778930000385848, -0.5483665484872852],
];
const COS = [
  [3.872878648962083, -0.7443161951380103],
  [1.2546692645312556, 0.3108878809446496],
  [2.6374701613050306, -0.8755986821824792],
  [3.561292065268432, -0.9132114670902484],
];
const SIN = [
  [3.339486630068065, -0.19660484847269188],
  [3.964830691981905, -0.7333510513383067],
  [5.618066212981556, -0.6171528455753],
  [4.08725729942028, -0.8108860663012659],
];

/** Distance in float64 ulps. */
function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  return Math.abs(Number(v.getBigInt64(0) - v.getBigInt64(8)));
}

describe('logAccurate, cosAccurate, sinAccurate', () => {
  it('round correctly where Math.log, Math.cos and Math.sin are an ulp off', () => {
    for (const [x, y] of LOG) {
      expect(Math.log(x!)).not.toBe(y);
      expect(logAccurate(x!)).toBe(y);
    }
    for (const [x, y] of COS) {
      expect(Math.cos(x!)).not.toBe(y);
      expect(cosAccurate(x!)).toBe(y);
    }
    for (const [x, y] of SIN) {
      expect(Math.sin(x!)).not.toBe(y);
      expect(sinAccurate(x!)).toBe(y);
    }
  });

  it('give exact values at exact points', () => {
    expect(logAccurate(1)).toBe(0);
    expect(logAccurate(0.5)).toBe(-Math.LN2);
    expect(cosAccurate(0)).toBe(1);
    expect(sinAccurate(0)).toBe(0);
  });

  it('stay within one ulp of Math.log, Math.cos and Math.sin (themselves within one ulp)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        expect(ulps(logAccurate(x), Math.log(x))).toBeLessThanOrEqual(1);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), (t) => {
        expect(ulps(cosAccurate(t), Math.cos(t))).toBeLessThanOrEqual(1);
        expect(ulps(sinAccurate(t), Math.sin(t))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('fall back to Math outside their domains', () => {
    expect(logAccurate(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(logAccurate(-1))).toBe(true);
    expect(cosAccurate(-1)).toBe(Math.cos(-1));
    expect(sinAccurate(1e6)).toBe(Math.sin(1e6));
  });
});
