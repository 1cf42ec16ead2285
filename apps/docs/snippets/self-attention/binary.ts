import { sinusoidalEncoding } from '@attnkit/positional';

export function main() {
  // D2L §11.6.3.1: in binary, a higher bit alternates less often than a lower
  // one…
  for (let i = 0; i < 8; i++)
    console.log(`${i} in binary is ${i.toString(2).padStart(3, '0')}`);

  // …and in P, a higher column oscillates more slowly: count the sign changes
  // over 60 positions.
  const P = sinusoidalEncoding(60, 32).toArray() as number[][];
  for (const col of [0, 2, 4, 6, 8, 10]) {
    let changes = 0;
    for (let i = 1; i < P.length; i++)
      if (P[i]![col]! > 0 !== P[i - 1]![col]! > 0) changes++;
    console.log(
      `column ${String(col).padStart(2)}: ${String(changes).padStart(2)} sign changes`,
    );
  }
}
// expect: 5 in binary is 101
// expect: column  0: 19 sign changes
