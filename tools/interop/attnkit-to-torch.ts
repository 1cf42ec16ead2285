// Checks the attnkit → PyTorch direction of the docs' interop page end to end: trains and saves
// the model of the page's snippet (to-pytorch.ts, against the built packages), writes the
// checkpoint, and runs the page's torch_from_attnkit.py on it with the system PyTorch, which
// asserts that its logits match attnkit's and samples a continuation.
//
//   pnpm build && pnpm exec tsx tools/interop/attnkit-to-torch.ts     (needs /usr/bin/python3 + torch)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainAndSave } from '../../apps/docs/snippets/pytorch-interop/to-pytorch.js';

const snippets = fileURLToPath(new URL('../../apps/docs/snippets/pytorch-interop/', import.meta.url));
const file = join(mkdtempSync(join(tmpdir(), 'attnkit-interop-')), 'tiny-lm-attnkit.safetensors');
writeFileSync(file, await trainAndSave());
console.log(`wrote ${file}`);
const out = execFileSync('/usr/bin/python3', [join(snippets, 'torch_from_attnkit.py'), file], {
  encoding: 'utf8',
});
console.log(out.trimEnd());
