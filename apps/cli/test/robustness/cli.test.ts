import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, serializeSafetensors } from '@attnkit/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

// These tests spawn the built executable (`pnpm build` runs before the tests in `pnpm test`).
const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const built = existsSync(main);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let text: string;
let checkpoint: string;
const small = ['--hiddens', '8', '--heads', '2', '--blocks', '1', '--context', '8', '--batch', '2'];
const quick = ['--eval-windows', '1', '--final-eval-windows', '1', '--sample-length', '0'];

beforeAll(async () => {
  if (!built) return;
  dir = await tempDir('attnkit-robust-');
  text = join(dir, 'text.txt');
  await writeFile(text, 'call me ishmael. some years ago, never mind how long precisely. '.repeat(20));
  checkpoint = join(dir, 'ckpt');
  const r = cli('train', '--data', text, '--out', checkpoint, ...small, ...quick, '--steps', '2');
  expect(r.status).toBe(0);
});

describe.skipIf(!built)('attnkit exit codes (spawned)', () => {
  it('prints the help on stdout and exits 0 when run bare', () => {
    const r = cli();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: attnkit');
    expect(r.stderr).toBe('');
  });

  it.each([
    ['an unknown command', ['fly'], /unknown command 'fly'/],
    ['an unknown option', ['train', '--hidden', '8'], /unknown option '--hidden'/],
    ['a bad option value', ['train', '--steps', '-1'], /option '--steps <n>' argument '-1' is invalid/],
    [
      'inconsistent options',
      ['train', '--data', 'x', '--hiddens', '10', '--heads', '4'],
      /--heads must divide --hiddens/,
    ],
    ['a missing required option', ['sample'], /required option '--checkpoint <dir>' not specified/],
    [
      'a heatmap too large to draw',
      ['encodings', '--positions', '20000', '--dims', '20000'],
      /--positions × --dims must be at most 1,000,000 cells/,
    ],
  ])('exits 2 on a usage error: %s', (_, args, message) => {
    const r = cli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^attnkit: /);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('fails fast (exit 1) on an --out under /proc, before loading any data', () => {
    const started = Date.now();
    const r = cli('train', '--data', text, '--out', '/proc/attnkit-robustness', ...small, '--steps', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^attnkit: --out \/proc\/attnkit-robustness is under \/proc, a pseudo-filesystem/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails before training when --out cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const r = cli('train', '--data', text, '--out', join(file, 'run'), ...small, '--steps', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--out .*a-file\/run cannot be created/);
  });

  it('fails with a memory-limit error instead of allocating for minutes (--hiddens 1e9)', () => {
    const r = cli(
      'train',
      '--data',
      text,
      '--out',
      join(dir, 'huge'),
      '--hiddens',
      '1000000000',
      '--heads',
      '1',
      '--steps',
      '1',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^attnkit: TransformerLM: parameters for numHiddens 1000000000.* needs .*setMemoryLimit/,
    );
  });

  it('exits 1 when training diverges (--lr 1e30) and never writes a non-finite checkpoint', async () => {
    const out = join(dir, 'diverged');
    const r = cli(
      'train',
      '--data',
      text,
      '--out',
      out,
      ...small,
      ...quick,
      '--steps',
      '60',
      '--eval-every',
      '1',
      '--lr',
      '1e30',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^attnkit: training diverged: fit: the (loss|gradient norm) is (NaN|Infinity|-Infinity) at step \d+/,
    );
    if (existsSync(join(out, 'model.safetensors'))) {
      // Whatever checkpoint is there holds the last finite weights (parseSafetensors rejects NaN by default).
      const bytes = new Uint8Array(await readFile(join(out, 'model.safetensors')));
      expect(() => parseSafetensors(bytes)).not.toThrow();
    }
  });

  it('exits 1 instead of printing NaN when nw diverges', () => {
    const r = cli('nw', '--out', join(dir, 'nw'), '--lr', '1e300', '--init-w', '1e300');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^attnkit: fit: the loss is NaN at step 1/);
    expect(r.stdout).not.toMatch(/NaN/);
  });

  it('stops on SIGTERM like on SIGINT: saves the checkpoint, then exits 143', async () => {
    const out = join(dir, 'terminated');
    const child: ChildProcess = spawn(process.execPath, [
      main,
      'train',
      '--data',
      text,
      '--out',
      out,
      ...small,
      ...quick,
      '--steps',
      '100000',
      '--eval-every',
      '1000',
    ]);
    const status = await new Promise<number | null>((resolve) => {
      let sent = false;
      child.stdout?.on('data', (chunk: Buffer) => {
        if (!sent && chunk.toString().includes('"event":"step"')) {
          sent = true;
          child.kill('SIGTERM');
        }
      });
      child.on('exit', (code) => resolve(code));
    });
    expect(status).toBe(143);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.training.stepsDone).toBeGreaterThan(0);
  });
});

describe.skipIf(!built)('attnkit checkpoint checks (spawned)', () => {
  async function copyCheckpoint(
    name: string,
  ): Promise<{ path: string; config: Record<string, unknown> & { model: Record<string, unknown> } }> {
    const path = join(dir, name);
    await cp(checkpoint, path, { recursive: true });
    return { path, config: JSON.parse(await readFile(join(path, 'config.json'), 'utf8')) };
  }

  it('records a format version and the SHA-256 of the weights', async () => {
    const { config } = await copyCheckpoint('inspect');
    expect(config.version).toBe(2);
    expect(config.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses weights whose bytes changed (SHA-256 mismatch)', async () => {
    const { path } = await copyCheckpoint('tampered');
    const bytes = new Uint8Array(await readFile(join(path, 'model.safetensors')));
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(join(path, 'model.safetensors'), bytes);
    const r = cli('sample', '--checkpoint', path, '--length', '5');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/do not match the SHA-256 in .*config\.json/);
  });

  it('refuses NaN weights even with a matching checksum', async () => {
    const { path, config } = await copyCheckpoint('nan');
    const parsed = parseSafetensors(new Uint8Array(await readFile(join(path, 'model.safetensors'))));
    const first = Object.keys(parsed.tensors)[0]!;
    const t = parsed.tensors[first]!;
    (t.nd.data as Float32Array)[0] = Number.NaN;
    const bytes = serializeSafetensors(parsed.tensors, parsed.metadata);
    await writeFile(join(path, 'model.safetensors'), bytes);
    const { createHash } = await import('node:crypto');
    config.weightsSha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(path, 'config.json'), JSON.stringify(config));
    const r = cli('sample', '--checkpoint', path, '--length', '5');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds NaN at flat index 0; pass allowNonFinite: true/);
  });

  it('refuses a config.json edited from 2 to 4 heads (no weight shape changes)', async () => {
    const { path, config } = await copyCheckpoint('heads');
    config.model.numHeads = 4;
    await writeFile(join(path, 'config.json'), JSON.stringify(config));
    const r = cli('sample', '--checkpoint', path, '--length', '5');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not describe the model its weights were saved from/);
  });

  it('refuses a config asking for numHiddens 20000 with a memory-limit error, not minutes of allocation', async () => {
    const { path, config } = await copyCheckpoint('wide');
    config.model.numHiddens = 20000;
    await writeFile(join(path, 'config.json'), JSON.stringify(config));
    const r = cli('sample', '--checkpoint', path, '--length', '5');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/TransformerLM: parameters for numHiddens 20000.* needs/);
  });

  it('still loads a version-1 checkpoint (no checksum), and names an unknown version', async () => {
    const old = await copyCheckpoint('v1');
    const { weightsSha256: _, ...v1 } = { ...old.config, version: 1 };
    await writeFile(join(old.path, 'config.json'), JSON.stringify(v1));
    expect(cli('sample', '--checkpoint', old.path, '--prompt', 'call', '--length', '5').status).toBe(0);
    const future = await copyCheckpoint('v99');
    await writeFile(join(future.path, 'config.json'), JSON.stringify({ ...future.config, version: 99 }));
    const r = cli('sample', '--checkpoint', future.path);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/has format version 99; this attnkit reads versions 1 and 2/);
  });
});
