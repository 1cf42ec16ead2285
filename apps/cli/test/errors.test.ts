import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIN_DEFAULTS, train } from '../src/commands/train.js';
import { run } from '../src/program.js';
import { captureIo, readConfig, tempDir } from './helpers.js';

/** Runs the CLI in-process and returns the exit code and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = captureIo();
  const code = await run(argv, io);
  return { code, err: io.stderr(), out: io.stdout() };
}

let dir: string;
let smallText: string;
let checkpoint: string;

beforeAll(async () => {
  dir = await tempDir();
  smallText = join(dir, 'small.txt');
  await writeFile(smallText, 'call me ishmael. some years ago, never mind how long precisely. '.repeat(20));
  checkpoint = join(dir, 'ckpt');
  await train(
    {
      ...TRAIN_DEFAULTS,
      data: smallText,
      out: checkpoint,
      hiddens: 8,
      heads: 2,
      blocks: 1,
      context: 8,
      batch: 2,
      steps: 2,
      evalWindows: 2,
      finalEvalWindows: 2,
      sampleLength: 0,
    },
    captureIo(),
  );
}, 60_000);

describe('attnkit (errors)', () => {
  it('rejects a negative step count with the option named', async () => {
    const { code, err } = await cli('train', '--steps', '-5');
    expect(code).toBe(2);
    expect(err).toMatch(
      /^attnkit: option '--steps <n>' argument '-5' is invalid\. Expected an integer ≥ 1\./,
    );
  });

  it('rejects a thread count outside [1, 64] with the option named', async () => {
    const zero = await cli('train', '--threads', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(
      /^attnkit: option '--threads <n>' argument '0' is invalid\. Expected an integer ≥ 1\./,
    );
    const many = await cli('train', '--data', smallText, '--threads', '65');
    expect(many.code).toBe(2);
    expect(many.err).toBe('attnkit: --threads must be at most 64; got 65.\n');
  });

  it('rejects a head count that does not divide the width', async () => {
    const { code, err } = await cli('train', '--data', smallText, '--hiddens', '10', '--heads', '4');
    expect(code).toBe(2);
    expect(err).toBe('attnkit: --heads must divide --hiddens; got 4 heads for 10 hiddens.\n');
  });

  it('rejects an unreadable data file', async () => {
    const missing = join(dir, 'missing.txt');
    const { code, err } = await cli('train', '--data', missing);
    expect(code).toBe(1);
    expect(err).toContain(`attnkit: cannot read data file ${missing}: ENOENT`);
  });

  it('rejects an empty data file', async () => {
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '');
    const { code, err } = await cli('train', '--data', empty);
    expect(code).toBe(1);
    expect(err).toBe(`attnkit: data file ${empty} is empty.\n`);
  });

  it('rejects a data file that is not UTF-8 text', async () => {
    const binary = join(dir, 'binary.bin');
    await writeFile(binary, Uint8Array.from([0xff, 0xfe, 0x00, 0xc3]));
    const { code, err } = await cli('train', '--data', binary);
    expect(code).toBe(1);
    expect(err).toBe(`attnkit: data file ${binary} is not valid UTF-8 text.\n`);
  });

  it('rejects a context longer than the data', async () => {
    const tiny = join(dir, 'tiny.txt');
    await writeFile(tiny, 'a short text of forty characters........');
    const { code, err } = await cli('train', '--data', tiny, '--context', '64');
    expect(code).toBe(1);
    expect(err).toMatch(/^attnkit: context 64 is longer than the data: the training split has 36 characters/);
  });

  it('rejects an unknown position scheme', async () => {
    const { code, err } = await cli('train', '--positional', 'fourier');
    expect(code).toBe(2);
    expect(err).toContain('Expected one of sinusoidal, learned, rotary, alibi.');
  });

  it('rejects sample without --checkpoint', async () => {
    const { code, err } = await cli('sample');
    expect(code).toBe(2);
    expect(err).toContain("attnkit: required option '--checkpoint <dir>' not specified");
  });

  it('rejects a missing checkpoint directory', async () => {
    const { code, err } = await cli('sample', '--checkpoint', join(dir, 'nowhere'));
    expect(code).toBe(1);
    expect(err).toContain(`attnkit: cannot read checkpoint config ${join(dir, 'nowhere', 'config.json')}`);
  });

  it('rejects a checkpoint whose weights do not match its model config', async () => {
    const broken = join(dir, 'broken');
    await mkdir(broken, { recursive: true });
    const config = await readConfig(checkpoint);
    config.model.numHiddens = 16; // the weights were trained with 8
    await writeFile(join(broken, 'config.json'), JSON.stringify(config));
    await writeFile(join(broken, 'model.safetensors'), await readFile(join(checkpoint, 'model.safetensors')));
    const { code, err } = await cli('sample', '--checkpoint', broken);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^attnkit: checkpoint config .*config\.json does not describe the model its weights were saved from/,
    );
  });

  it('rejects a checkpoint config that is not JSON', async () => {
    const bad = join(dir, 'bad-json');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'config.json'), '{ not json');
    const { code, err } = await cli('sample', '--checkpoint', bad);
    expect(code).toBe(1);
    expect(err).toContain('is not valid JSON');
  });

  it('rejects a prompt with characters outside the vocabulary', async () => {
    const { code, err } = await cli('sample', '--checkpoint', checkpoint, '--prompt', 'Zebra');
    expect(code).toBe(1);
    expect(err).toBe(
      `attnkit: --prompt has characters that are not in the checkpoint's vocabulary: "Z", "b".\n`,
    );
  });

  it('rejects pruning all heads', async () => {
    const { code, err } = await cli(
      'heads',
      '--checkpoint',
      checkpoint,
      '--prune',
      '2',
      '--out',
      join(dir, 'h'),
    );
    expect(code).toBe(2);
    expect(err).toBe('attnkit: --prune must be an integer in [1, 1] for 2 heads; got 2.\n');
    // The checkpoint is checked before anything is written.
    expect(existsSync(join(dir, 'h', 'heads-weights.svg'))).toBe(false);
  });

  it('rejects an unknown command', async () => {
    const { code, err } = await cli('fly');
    expect(code).toBe(2);
    expect(err).toContain("attnkit: unknown command 'fly'");
  });

  it('exits with 0 after printing the help', async () => {
    const { code, out } = await cli('train', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--eval-every <n>');
  });

  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  it.skipIf(!existsSync(main))(
    'exits the built executable with status 2 on a usage error and the message on stderr',
    () => {
      const result = spawnSync(process.execPath, [main, 'train', '--steps', '0'], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^attnkit: option '--steps <n>' argument '0' is invalid/);
    },
  );
});
