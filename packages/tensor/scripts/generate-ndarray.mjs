// Writes src/ndarray-views.generated.ts: the view classes that scijs `ndarray` compiles at run time
// with `new Function` (ndarray.js, compileConstructor), written out for dimensions 1–4 so that no
// code is compiled at run time (a page with `script-src 'self'` forbids it). Each method is the
// library's template with the same unrolled index arithmetic; views of other ranks and the empty
// view are in src/ndarray.ts. src/ndarray.test.ts checks every class against the library itself
// (dims 0–8, every dtype), so an edit here that changes behaviour fails the tests.
//
//   node packages/tensor/scripts/generate-ndarray.mjs   (then `pnpm format`)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAX_DIMENSION = 4;
const out = fileURLToPath(new URL('../src/ndarray-views.generated.ts', import.meta.url));

const range = (d) => Array.from({ length: d }, (_, i) => i);

/** The view class of dimension `d` (>= 1), as ndarray's compileConstructor writes it. */
function viewClass(d) {
  const ix = range(d);
  const args = ix.map((i) => `i${i}`);
  const optionalArgs = args.map((a) => `${a}?: unknown`).join(', ');
  const index = `this.offset + ${ix.map((i) => `this.stride[${i}]! * (i${i} as number)`).join(' + ')}`;
  const shapeArgs = ix.map((i) => `b${i}: number`).join(', ');
  const strideArgs = ix.map((i) => `c${i}: number`).join(', ');
  const lines = [];
  lines.push(`/** ndarray's \`View${d}d<dtype>\`. */`);
  lines.push(`export class View${d}d extends ViewBase {`);
  lines.push(`  constructor(a: Data, ${shapeArgs}, ${strideArgs}, d: number) {`);
  lines.push('    super();');
  lines.push('    this.data = a;');
  lines.push(`    this.shape = [${ix.map((i) => `b${i}`).join(', ')}];`);
  lines.push(`    this.stride = [${ix.map((i) => `c${i}`).join(', ')}];`);
  lines.push('    this.offset = d | 0;');
  lines.push('  }');
  lines.push(`  get size(): number {`);
  lines.push(`    return ${ix.map((i) => `this.shape[${i}]!`).join(' * ')};`);
  lines.push('  }');
  if (d === 2) {
    lines.push('  get order(): number[] {');
    lines.push('    return Math.abs(this.stride[0]!) > Math.abs(this.stride[1]!) ? [1, 0] : [0, 1];');
    lines.push('  }');
  } else if (d === 3) {
    lines.push('  get order(): number[] {');
    lines.push('    const s0 = Math.abs(this.stride[0]!);');
    lines.push('    const s1 = Math.abs(this.stride[1]!);');
    lines.push('    const s2 = Math.abs(this.stride[2]!);');
    lines.push('    if (s0 > s1) {');
    lines.push('      if (s1 > s2) return [2, 1, 0];');
    lines.push('      if (s0 > s2) return [1, 2, 0];');
    lines.push('      return [1, 0, 2];');
    lines.push('    }');
    lines.push('    if (s0 > s2) return [2, 0, 1];');
    lines.push('    if (s2 > s1) return [0, 1, 2];');
    lines.push('    return [0, 2, 1];');
    lines.push('  }');
  } else if (d >= 4) {
    lines.push('  get order(): number[] {');
    lines.push('    return sortedOrder(this.stride);');
    lines.push('  }');
  }
  lines.push(`  set(${args.map((a) => `${a}: unknown`).join(', ')}, v: unknown): unknown {`);
  lines.push(`    this.data[${index}] = v;`);
  lines.push('    return v;');
  lines.push('  }');
  lines.push(`  get(${optionalArgs}): unknown {`);
  lines.push(`    return this.data[${index}];`);
  lines.push('  }');
  lines.push(`  index(${optionalArgs}): number {`);
  lines.push(`    return ${index};`);
  lines.push('  }');
  // hi(): a non-number or negative argument keeps the extent.
  lines.push(`  hi(${optionalArgs}): View${d}d {`);
  lines.push(`    return new (this.constructor as typeof View${d}d)(`);
  lines.push('      this.data,');
  for (const i of ix)
    lines.push(`      typeof i${i} !== 'number' || i${i} < 0 ? this.shape[${i}]! : i${i} | 0,`);
  for (const i of ix) lines.push(`      this.stride[${i}]!,`);
  lines.push('      this.offset,');
  lines.push('    );');
  lines.push('  }');
  // lo(): a non-negative number moves the start.
  lines.push(`  lo(${optionalArgs}): View${d}d {`);
  lines.push('    let b = this.offset;');
  lines.push('    let d = 0;');
  for (const i of ix) lines.push(`    let a${i} = this.shape[${i}]!;`);
  for (const i of ix) lines.push(`    const c${i} = this.stride[${i}]!;`);
  for (const i of ix) {
    lines.push(`    if (typeof i${i} === 'number' && i${i} >= 0) {`);
    lines.push(`      d = i${i} | 0;`);
    lines.push(`      b += c${i} * d;`);
    lines.push(`      a${i} -= d;`);
    lines.push('    }');
  }
  lines.push(
    `    return new (this.constructor as typeof View${d}d)(this.data, ${ix.map((i) => `a${i}`).join(', ')}, ${ix.map((i) => `c${i}`).join(', ')}, b);`,
  );
  lines.push('  }');
  // step(): a number steps through the axis (a negative one from its end).
  lines.push(`  step(${optionalArgs}): View${d}d {`);
  for (const i of ix) lines.push(`    let a${i} = this.shape[${i}]!;`);
  for (const i of ix) lines.push(`    let b${i} = this.stride[${i}]!;`);
  lines.push('    let c = this.offset;');
  lines.push('    let d = 0;');
  for (const i of ix) {
    lines.push(`    if (typeof i${i} === 'number') {`);
    lines.push(`      d = i${i} | 0;`);
    lines.push('      if (d < 0) {');
    lines.push(`        c += b${i} * (a${i} - 1);`);
    lines.push(`        a${i} = Math.ceil(-a${i} / d);`);
    lines.push('      } else {');
    lines.push(`        a${i} = Math.ceil(a${i} / d);`);
    lines.push('      }');
    lines.push(`      b${i} *= d;`);
    lines.push('    }');
  }
  lines.push(
    `    return new (this.constructor as typeof View${d}d)(this.data, ${ix.map((i) => `a${i}`).join(', ')}, ${ix.map((i) => `b${i}`).join(', ')}, c);`,
  );
  lines.push('  }');
  // transpose(): axis i of the result is axis i_k of this view (default: the same axis).
  lines.push(`  transpose(${optionalArgs}): View${d}d {`);
  for (const i of ix) lines.push(`    const t${i} = i${i} === undefined ? ${i} : (i${i} as number) | 0;`);
  lines.push('    const a = this.shape;');
  lines.push('    const b = this.stride;');
  lines.push(`    return new (this.constructor as typeof View${d}d)(`);
  lines.push('      this.data,');
  for (const i of ix) lines.push(`      a[t${i}] as number,`);
  for (const i of ix) lines.push(`      b[t${i}] as number,`);
  lines.push('      this.offset,');
  lines.push('    );');
  lines.push('  }');
  // pick(): a non-negative number fixes the axis; the rest make a lower-dimensional view.
  lines.push(`  pick(${optionalArgs}): unknown {`);
  lines.push('    const a: number[] = [];');
  lines.push('    const b: number[] = [];');
  lines.push('    let c = this.offset;');
  for (const i of ix) {
    lines.push(`    if (typeof i${i} === 'number' && i${i} >= 0) {`);
    lines.push(`      c = (c + this.stride[${i}]! * i${i}) | 0;`);
    lines.push('    } else {');
    lines.push(`      a.push(this.shape[${i}]!);`);
    lines.push(`      b.push(this.stride[${i}]!);`);
    lines.push('    }');
  }
  lines.push('    return constructorFor(this.dtype, a.length)(this.data, a, b, c);');
  lines.push('  }');
  lines.push('}');
  lines.push(`define(View${d}d, ${d}, ${d === 1 ? '[0]' : 'undefined'});`);
  return lines.join('\n');
}

const header = `// Generated by packages/tensor/scripts/generate-ndarray.mjs from scijs ndarray's
// compileConstructor (ndarray.js); do not edit. See docs/decisions/0008-ndarray-views-without-eval.md.
import { constructorFor, type Data, define, sortedOrder, ViewBase } from './ndarray-view-base.js';
`;

const classes = range(MAX_DIMENSION).map((i) => viewClass(i + 1));
const table = `
/** The generated view classes by dimension (index 0 is unused: 0-d views are in ndarray-view-base.ts). */
export const VIEW_CLASSES = [undefined, ${range(MAX_DIMENSION)
  .map((i) => `View${i + 1}d`)
  .join(', ')}] as const;
`;
writeFileSync(out, `${header}\n${classes.join('\n\n')}\n${table}`);
console.log(`wrote ${out}`);
