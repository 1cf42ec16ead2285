import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getNumThreads } from '@attnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { heads } from '../src/commands/heads.js';
import { sample } from '../src/commands/sample.js';
import { TRAIN_DEFAULTS, type TrainOptions, type TrainReport, train } from '../src/commands/train.js';
import { loadCorpus } from '../src/corpus.js';
import { run } from '../src/program.js';
import { captureIo, jsonLines, readConfig, sigintAtStep, tempDir } from './helpers.js';

/** A reduced config that trains in a few seconds on a slice of Moby-Dick. */
function smallConfig(data: string, out: string): TrainOptions {
  return {
    ...TRAIN_DEFAULTS,
    data,
    out,
    hiddens: 32,
    heads: 2,
    blocks: 1,
    context: 32,
    batch: 16,
    steps: 120,
    lr: 1e-2,
    evalEvery: 40,
    evalWindows: 32,
    finalEvalWindows: 0,
    sampleLength: 40,
  };
}

let text: string;
let dataFile: string;
let checkpoint: string;
let report: TrainReport;
let output: string;

beforeAll(async () => {
  // 30,000 characters of Moby-Dick: 27,000 to train on, 3,000 held out.
  text = (await loadCorpus()).text.slice(20_000, 50_000);
  const dir = await tempDir();
  dataFile = join(dir, 'moby.txt');
  await writeFile(dataFile, text);
  checkpoint = join(dir, 'run');
  const io = captureIo();
  report = await train(smallConfig(dataFile, checkpoint), io);
  output = io.stdout();
}, 120_000);

describe('train', () => {
  describe('examples', () => {
    it('lowers the validation loss well below its starting value and below the unigram baseline', () => {
      expect(report.steps).toBe(120);
      expect(report.aborted).toBe(false);
      const [initial, first, ...rest] = report.valHistory.map((v) => v.value);
      expect(report.valHistory.map((v) => v.step)).toEqual([0, 40, 80, 120]);
      // An untrained model is near log(vocabSize) ≈ 4.2 nats; training takes off more than a nat,
      // and it keeps improving after the first evaluation.
      expect(initial!).toBeGreaterThan(3.5);
      expect(rest.at(-1)!).toBeLessThan(initial! - 1);
      expect(rest.at(-1)!).toBeLessThan(first!);
      expect(report.valLoss).not.toBeNull();
      expect(report.valLoss!).toBeLessThan(report.baselines.unigram);
    });

    it('scores the model and the baselines on the whole validation split', () => {
      expect(report.valLossIsFinal).toBe(true);
      expect(report.data).toMatchObject({ chars: 30_000, train: 27_000, val: 3_000 });
      expect(report.baselines.count).toBe(2_999);
      expect(report.fullSplitBaselines.bigram).toBeCloseTo(report.baselines.bigram, 12);
      expect(report.baselines.bigram).toBeLessThan(report.baselines.unigram);
    });

    it('writes the checkpoint, the loss curve and the sample', async () => {
      for (const name of ['model.safetensors', 'config.json', 'loss.svg', 'sample.txt']) {
        expect(existsSync(join(checkpoint, name)), name).toBe(true);
      }
      const config = await readConfig(checkpoint);
      expect(config.model).toMatchObject({ numHiddens: 32, numHeads: 2, numBlks: 1, maxLen: 32 });
      expect(config.vocab.tokens).toHaveLength(config.model.vocabSize);
      expect(config.training).toMatchObject({ data: dataFile, stepsDone: 120, context: 32 });
      expect(config.metrics.valLoss).toBeCloseTo(report.valLoss!, 10);
      const svg = await readFile(join(checkpoint, 'loss.svg'), 'utf8');
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toContain('bigram');
      expect(report.sample).toMatch(/^The /);
      expect(report.sample).toHaveLength(4 + 40);
    });

    it('prints JSON lines when stdout is not a terminal', () => {
      const events = jsonLines(output);
      expect(events[0]).toMatchObject({ event: 'start', parameters: report.parameters });
      expect(events.filter((e) => e.event === 'step')).toHaveLength(120);
      expect(events.filter((e) => e.event === 'eval').map((e) => e.step)).toEqual([0, 40, 80, 120]);
      const end = events.at(-1)!;
      expect(end.event).toBe('end');
      expect(end.valLoss).toBeCloseTo(report.valLoss!, 10);
      expect(end.files).toMatchObject({ weights: join(checkpoint, 'model.safetensors') });
    });
  });

  describe('properties', () => {
    it('stops cleanly on an abort signal and keeps a checkpoint of the steps done', async () => {
      const out = join(await tempDir(), 'aborted');
      const controller = new AbortController();
      const io = captureIo();
      const config = { ...smallConfig(dataFile, out), steps: 1000, evalEvery: 5, signal: controller.signal };
      const seen: number[] = [];
      const origWrite = io.out.write;
      // Abort after the 12th step, as Ctrl-C would.
      const watching = {
        ...io,
        out: {
          write: (t: string) => {
            const m = /"event":"step","step":(\d+)/.exec(t);
            if (m) {
              seen.push(Number(m[1]));
              if (Number(m[1]) === 12) controller.abort();
            }
            return origWrite(t);
          },
        },
      };
      const result = await train(config, watching);
      expect(result.aborted).toBe(true);
      expect(result.steps).toBe(12);
      expect(result.valLossIsFinal).toBe(false);
      const saved = await readConfig(out);
      expect(saved.training.stepsDone).toBe(12);
      expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
      expect(existsSync(join(out, 'loss.svg'))).toBe(true);
    });

    it('trains on 2 threads to the losses of 1 thread and restores the thread count', async () => {
      const short = (threads: number, out: string): TrainOptions => ({
        ...smallConfig(dataFile, out),
        steps: 15,
        evalEvery: 15,
        sampleLength: 0,
        threads,
      });
      const one = await train(short(1, join(await tempDir(), 'one')), captureIo());
      const two = await train(short(2, join(await tempDir(), 'two')), captureIo());
      expect(one.threads).toBe(1);
      expect(two.threads).toBe(2);
      expect(getNumThreads()).toBe(1);
      expect(two.lossHistory).toHaveLength(15);
      two.lossHistory.forEach((loss, i) => {
        expect(loss).toBeCloseTo(one.lossHistory[i]!, 4);
      });
    }, 60_000);
  });
});

describe('attnkit train (Ctrl-C)', () => {
  it('stops on SIGINT, keeps the checkpoint and exits with status 130', async () => {
    const out = join(await tempDir(), 'interrupted');
    const listeners = process.listenerCount('SIGINT');
    const io = captureIo();
    const { io: watching, steps } = sigintAtStep(io, 5);
    const args = [
      'train',
      '--data',
      dataFile,
      '--out',
      out,
      '--hiddens',
      '16',
      '--heads',
      '2',
      '--blocks',
      '1',
    ];
    const code = await run([...args, '--context', '16', '--steps', '500', '--sample-length', '0'], watching, {
      sigint: true,
    });
    expect(code).toBe(130);
    expect(steps()).toBe(5);
    expect(process.listenerCount('SIGINT')).toBe(listeners); // the handler is removed
    const saved = await readConfig(out);
    expect(saved.training.stepsDone).toBe(5);
  });
});

describe('sample', () => {
  it('generates the same text from the checkpoint under the same seed', async () => {
    const options = { checkpoint, prompt: 'The ', length: 60, temperature: 0.8, seed: 7 };
    const a = await sample(options, captureIo());
    const b = await sample(options, captureIo());
    expect(a).toBe(b);
    expect(a.startsWith('The ')).toBe(true);
    expect(a).toHaveLength(64);
  });

  it('draws different text under another seed', async () => {
    const options = { checkpoint, prompt: 'The ', length: 60, temperature: 1, seed: 1 };
    const a = await sample(options, captureIo());
    const b = await sample({ ...options, seed: 2 }, captureIo());
    expect(a).not.toBe(b);
  });

  it('decodes greedily at temperature 0 whatever the seed', async () => {
    const options = { checkpoint, prompt: 'the', length: 30, temperature: 0, seed: 1 };
    expect(await sample(options, captureIo())).toBe(await sample({ ...options, seed: 99 }, captureIo()));
  });

  it('runs from the command line and prints the text', async () => {
    const io = captureIo();
    const args = ['sample', '--checkpoint', checkpoint, '--prompt', 'Whale', '--length', '20', '--seed', '3'];
    expect(await run(args, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Whale.{20}\n$/s);
    // The text itself may end in whitespace: strip only the newline the command adds.
    expect(io.stdout().slice(0, -1)).toBe(
      await sample({ checkpoint, prompt: 'Whale', length: 20, temperature: 0.8, seed: 3 }, captureIo()),
    );
  });
});

describe('heads --checkpoint', () => {
  it('measures every head by ablation and prunes the least important ones', async () => {
    const out = await tempDir();
    const io = captureIo();
    const result = await heads({ out, seed: 0, checkpoint, evalWindows: 16, prune: 1 }, io);
    const importance = result.importance!;
    expect(importance.maskedLoss).toHaveLength(1);
    expect(importance.maskedLoss[0]).toHaveLength(2);
    // The pruned head is the one whose removal costs least.
    const [b, h] = importance.pruned[0]!;
    const deltas = importance.maskedLoss.flat();
    expect(importance.maskedLoss[b]![h]).toBe(Math.min(...deltas));
    // With a single pruned head, the pruned loss is that head's ablation loss.
    expect(importance.prunedLoss).toBeCloseTo(importance.maskedLoss[b]![h]!, 6);
    // Masking a trained head changes the loss (the mask reaches the attention).
    expect(deltas.some((l) => Math.abs(l - importance.baseLoss) > 1e-4)).toBe(true);
    expect(importance.tokensPerSecond.before).toBeGreaterThan(0);
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual([
      'heads-weights.svg',
      'heads-importance.svg',
      'heads-checkpoint-weights.svg',
    ]);
    expect(io.stdout()).toContain('pruning the 1 least important heads');
  });
});
