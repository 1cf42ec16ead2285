import { describe, expect, it } from 'vitest';
// Deliberately not the package entry: this file checks what a bundle without suggestKey sees.
import { checkOptions } from './check-options.js';

const schema = { axis: 'integer', keepDim: 'boolean' } as const;

describe('checkOptions: unknown keys', () => {
  it('without the suggester loaded, names the function, the key, the argument and the known options', () => {
    expect(() => checkOptions('sum', { keepdim: true }, schema)).toThrow(
      "sum: unknown option 'keepdim' in options. Known options: axis, keepDim.",
    );
  });

  it('once suggest-key is loaded, proposes the near key instead', async () => {
    await import('./suggest-key.js');
    expect(() => checkOptions('sum', { keepdim: true }, schema)).toThrow(
      "sum: unknown option 'keepdim' in options. Did you mean 'keepDim'?",
    );
    expect(() => checkOptions('sum', { zzz: 1 }, schema, { argument: 'config' })).toThrow(
      "sum: unknown option 'zzz' in config. Known options: axis, keepDim.",
    );
  });
});
