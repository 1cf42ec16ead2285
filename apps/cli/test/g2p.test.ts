import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getNumThreads } from '@attnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { captureIo, jsonLines, readConfig, sigintAtStep, tempDir } from './helpers.js';

async function cli(...argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = captureIo();
  const code = await run(argv, io);
  return { code, err: io.stderr(), out: io.stdout() };
}

const WORDS = [
  ['CAT', 'K AE1 T'],
  ['CATS', 'K AE1 T S'],
  ['BAT', 'B AE1 T'],
  ['BATS', 'B AE1 T S'],
  ['TAB', 'T AE1 B'],
  ['TABS', 'T AE1 B Z'],
  ['STAB', 'S T AE1 B'],
  ['SCAB', 'S K AE1 B'],
  ['ABC', 'EY1 B IY1 S IY1'],
  ['BASS', 'B AE1 S'],
  ['BASS(1)', 'B EY1 S'],
  ['CAST', 'K AE1 S T'],
  ['TACT', 'T AE1 K T'],
  ['SCAT', 'S K AE1 T'],
  ['ACTS', 'AE1 K T S'],
  ['TASTE', 'T EY1 S T'],
  ['BASTE', 'B EY1 S T'],
  ['CASTE', 'K AE1 S T'],
  ['STATE', 'S T EY1 T'],
  ['SATE', 'S EY1 T'],
];

/** Each word's pronunciations without stress digits, as the run directory writes them. */
const REFERENCES = new Map<string, string[]>();
for (const [w, p] of WORDS) {
  const word = w!.replace(/\(\d+\)$/, '').toLowerCase();
  const phonemes = p!.replace(/\d/g, '');
  const refs = REFERENCES.get(word) ?? [];
  if (!refs.includes(phonemes)) refs.push(phonemes);
  REFERENCES.set(word, refs);
}

let dir: string;
let dict: string;
let transformer: string;
let bahdanau: string;
const tiny = ['--steps', '3', '--batch', '4', '--valid-words', '2', '--test-fraction', '0.2', '--beam', '2'];
/** The sizes of the small Transformer the tests train. */
const tinyTransformer = ['--hiddens', '8', '--heads', '2', '--ffn', '16'];
/** `g2p train` on the test dictionary with the tiny settings, then `extra`. */
const trainTiny = (...extra: string[]) => cli('g2p', 'train', '--dict', dict, ...tiny, ...extra);

beforeAll(async () => {
  dir = await tempDir('attnkit-g2p-');
  dict = join(dir, 'dict.txt');
  await writeFile(dict, `${WORDS.map(([w, p]) => `${w}  ${p}`).join('\n')}\n`);
  transformer = join(dir, 'transformer');
  bahdanau = join(dir, 'bahdanau');
  const t = await cli('g2p', 'train', '--dict', dict, ...tiny, ...tinyTransformer, '--out', transformer);
  expect(t.err).toBe('');
  expect(t.code).toBe(0);
  const b = await cli(
    'g2p',
    'train',
    '--model',
    'bahdanau',
    '--dict',
    dict,
    ...tiny,
    '--hiddens',
    '8',
    '--embed',
    '4',
    '--out',
    bahdanau,
  );
  expect(b.err).toBe('');
  expect(b.code).toBe(0);
}, 120_000);

describe('attnkit g2p', () => {
  it('train writes the run directory and reports WER/PER with the baseline on every test word', async () => {
    for (const f of [
      'model.safetensors',
      'config.json',
      'train-words.txt',
      'test-predictions.tsv',
      'loss.svg',
    ]) {
      expect(existsSync(join(transformer, f))).toBe(true);
    }
    const config = await readConfig(transformer);
    expect(config.format).toBe('attnkit-g2p');
    expect(config.model.kind).toBe('transformer');
    const tsv = (await readFile(join(transformer, 'test-predictions.tsv'), 'utf8')).trim().split('\n');
    expect(tsv.length).toBe(config.data.testWords);
    for (const line of tsv) {
      const [word, predicted, references] = line.split('\t');
      expect(line.split('\t').length).toBe(3);
      // Symbols of the phoneme vocabulary; <eos> ends a prediction and is not written.
      for (const ph of predicted!.split(' ').filter((x) => x !== '')) {
        expect(config.phonemes.tokens).toContain(ph);
        expect(ph).not.toBe('<eos>');
      }
      // Every listed pronunciation of the word, joined by " | ".
      expect(references!.split(' | ')).toEqual(REFERENCES.get(word!));
    }
    const train = (await readFile(join(transformer, 'train-words.txt'), 'utf8')).trim().split('\n');
    const test = tsv.map((l) => l.split('\t')[0]!);
    expect(train.filter((w) => test.includes(w))).toEqual([]);
    // One heatmap per held-out word (up to four): phonemes (queries) against its letters (keys).
    const figures = (await readdir(transformer)).filter((f) => f.startsWith('alignment-'));
    expect(figures.length).toBe(Math.min(4, test.length));
    for (const f of figures) {
      const word = f.slice('alignment-'.length, -'.svg'.length);
      expect(test).toContain(word);
      const svg = await readFile(join(transformer, f), 'utf8');
      expect(svg).toContain('<svg');
      expect(svg).toContain(`encoder–decoder attention: ${word}`);
      expect(svg).toContain('letters (keys)');
      expect(svg).toContain('phonemes (queries)');
    }
    expect(config.metrics.wer).toBeGreaterThanOrEqual(0);
    expect(config.metrics.baselineWer).toBeGreaterThanOrEqual(0);
  });

  it('train prints JSON lines with a final report', async () => {
    const r = await trainTiny(...tinyTransformer, '--out', join(dir, 'again'));
    const lines = jsonLines(r.out);
    const end = lines.find((l) => l.event === 'end') as {
      test: { words: number; model: { wer: number } };
      trainCpuSeconds: number;
      memory: { samples: { step: number; heapMB: number }[]; growthMB: number; afterGc: boolean };
    };
    expect(end.test.words).toBe(4);
    expect(end.test.model.wer).toBeGreaterThanOrEqual(0);
    expect(end.trainCpuSeconds).toBeGreaterThan(0);
    // The heap is sampled at every validation (here every step) and reported per sample and in the end.
    const memory = lines.filter((l) => l.event === 'memory') as { step: number; heapMB: number }[];
    expect(memory.map((m) => m.step)).toEqual([1, 2, 3]);
    for (const m of memory) expect(m.heapMB).toBeGreaterThan(0);
    expect(end.memory.samples).toEqual(
      memory.map(({ step, heapMB }) => expect.objectContaining({ step, heapMB })),
    );
    expect(end.memory.growthMB).toBeCloseTo(memory.at(-1)!.heapMB - memory[0]!.heapMB, 5);
    // The default preset does not average weights.
    expect(lines.some((l) => l.event === 'average')).toBe(false);
  });

  it('train --average keeps the weight average of the last steps when the validation loss prefers it', async () => {
    const out = join(dir, 'averaged');
    const r = await trainTiny(
      '--steps',
      '8',
      '--warmup',
      '2',
      '--average',
      '0.5',
      ...tinyTransformer,
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    const average = lines.find((l) => l.event === 'average') as {
      snapshots: number;
      fromStep: number;
      toStep: number;
      valLossTrained: number;
      valLossAveraged: number;
      used: string;
    };
    // Progress after warm-up reaches 0.5 at step 5 of 8: snapshots at steps 5, 6, 7, 8.
    expect(average).toMatchObject({ snapshots: 4, fromStep: 5, toStep: 8 });
    expect(average.valLossAveraged).not.toBeCloseTo(average.valLossTrained, 6);
    expect(average.used).toBe(average.valLossAveraged < average.valLossTrained ? 'averaged' : 'trained');
    const config = await readConfig(out);
    expect(config.training.average).toBe(0.5);
    const { event: _event, ...reported } = average as typeof average & { event: string };
    expect(config.metrics.average).toEqual(reported);
    expect(config.metrics.valLoss).toBeCloseTo(
      average.used === 'averaged' ? average.valLossAveraged : average.valLossTrained,
      12,
    );
  });

  it('predict prints WORD  PH1 PH2 ... and n-best alternates as WORD(1)', async () => {
    const r = await cli(
      'g2p',
      'predict',
      '--checkpoint',
      transformer,
      '--beam',
      '3',
      '--nbest',
      '2',
      'cat',
      'tabs',
    );
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBe(4);
    expect(lines[0]).toMatch(/^CAT {2}/);
    expect(lines[1]).toMatch(/^CAT\(1\) {2}/);
    const file = join(dir, 'words.txt');
    await writeFile(file, 'bat\n\nscab\n');
    const f = await cli('g2p', 'predict', '--checkpoint', bahdanau, '--input', file);
    expect(f.code).toBe(0);
    expect(
      f.out
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[0]),
    ).toEqual(['BAT', 'SCAB']);
  });

  it('eval recomputes the metrics of the held-out words', async () => {
    const r = await cli('g2p', 'eval', '--checkpoint', bahdanau);
    expect(r.code).toBe(0);
    const ev = jsonLines(r.out).find((l) => l.event === 'eval') as { words: number; model: { wer: number } };
    expect(ev.words).toBe(4);
    const config = await readConfig(bahdanau);
    expect(ev.model.wer).toBeCloseTo(config.metrics.wer, 12);
  });

  it('train --epochs sets the steps from the training pronunciations', async () => {
    const r = await trainTiny(...tinyTransformer, '--epochs', '2', '--out', join(dir, 'epochs'));
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    const data = lines.find((l) => l.event === 'data') as { pronunciations: number };
    const start = lines.find((l) => l.event === 'start') as { steps: number; batch: number };
    const end = lines.find((l) => l.event === 'end') as { steps: number; epochs: number };
    expect(start.steps).toBe(Math.ceil((2 * data.pronunciations) / start.batch));
    expect(end.steps).toBe(start.steps);
    expect(end.epochs).toBeGreaterThanOrEqual(2);
    expect(end.epochs).toBeLessThan(2 + start.batch / data.pronunciations);
  });

  it('train --stress keeps the stress digits in the phoneme vocabulary and the references', async () => {
    const out = join(dir, 'stress');
    const r = await trainTiny(...tinyTransformer, '--stress', '--out', out);
    expect(r.code).toBe(0);
    expect(jsonLines(r.out)[0]).toMatchObject({ event: 'data', stress: true });
    const stressed = await readConfig(out);
    expect(stressed.phonemes.tokens).toContain('AE1');
    expect(stressed.phonemes.tokens).not.toContain('AE');
    const plain = await readConfig(transformer);
    expect(plain.phonemes.tokens).toContain('AE');
    expect(plain.phonemes.tokens).not.toContain('AE1');
    const refs = (await readFile(join(out, 'test-predictions.tsv'), 'utf8')).trim().split('\n');
    for (const line of refs) expect(line.split('\t')[2]).toMatch(/[012]/);
  });

  it('train --preset long takes the long sizes and schedule; flags still override them', async () => {
    const out = join(dir, 'long');
    const r = await trainTiny(...tinyTransformer, '--preset', 'long', '--steps', '2', '--out', out);
    expect(r.code).toBe(0);
    const start = jsonLines(r.out).find((l) => l.event === 'start') as {
      model: { transformer: { numBlks: number; numDecoderBlks: number; numHiddens: number } };
      steps: number;
      maxMinutes: number;
    };
    expect(start.model.transformer).toMatchObject({ numBlks: 3, numDecoderBlks: 3, numHiddens: 8 });
    expect(start).toMatchObject({ steps: 2, maxMinutes: 54 });
    const config = await readConfig(out);
    expect(config.training).toMatchObject({ preset: 'long', average: 0.25 });
  });

  it('train --threads 2 gives the losses of one thread and restores the thread count', async () => {
    const losses = async (threads: number) => {
      const out = join(dir, `threads-${threads}`);
      const r = await trainTiny(
        ...tinyTransformer,
        '--steps',
        '6',
        '--threads',
        String(threads),
        '--out',
        out,
      );
      expect(r.code).toBe(0);
      const config = await readConfig(out);
      return {
        steps: jsonLines(r.out)
          .filter((l) => l.event === 'step')
          .map((l) => l.loss as number),
        valLoss: config.metrics.valLoss as number,
      };
    };
    const one = await losses(1);
    const two = await losses(2);
    expect(getNumThreads()).toBe(1);
    expect(two.steps).toHaveLength(6);
    two.steps.forEach((loss, i) => {
      expect(loss).toBeCloseTo(one.steps[i]!, 4);
    });
    expect(two.valLoss).toBeCloseTo(one.valLoss, 6);
  }, 60_000);

  it('train stops on SIGINT: exit 130, the checkpoint of the steps done kept, no evaluation', async () => {
    const out = join(dir, 'interrupted');
    const listeners = process.listenerCount('SIGINT');
    const io = captureIo();
    const { io: watching, steps } = sigintAtStep(io, 5);
    const code = await run(
      ['g2p', 'train', '--dict', dict, ...tiny, ...tinyTransformer, '--steps', '500', '--out', out],
      watching,
      { sigint: true },
    );
    expect(code).toBe(130);
    expect(steps()).toBe(5);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    const saved = await readConfig(out);
    expect(saved.training.stepsDone).toBe(5);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'test-predictions.tsv'))).toBe(false);
    const end = jsonLines(io.stdout()).find((l) => l.event === 'end');
    expect(end).toMatchObject({ aborted: true, stoppedBy: 'SIGINT', steps: 5, test: null });
  });

  describe('errors', () => {
    it('rejects an unknown character at predict time', async () => {
      const r = await cli('g2p', 'predict', '--checkpoint', transformer, 'caté');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/"caté" has the character "é", which the model does not know/);
    });

    it('rejects a word longer than the model takes', async () => {
      const r = await cli('g2p', 'predict', '--checkpoint', transformer, 'a'.repeat(60));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/has 60 letters; the model takes at most 47/);
    });

    it('rejects a checkpoint of the other model kind, and a language-model checkpoint', async () => {
      const r = await cli('g2p', 'eval', '--checkpoint', transformer, '--model', 'bahdanau');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/holds a transformer model, not a bahdanau model/);
      const lm = join(dir, 'lm');
      await writeFile(join(dir, 'x'), '');
      await mkdir(lm, { recursive: true });
      await writeFile(join(lm, 'config.json'), JSON.stringify({ format: 'attnkit-lm' }));
      const p = await cli('g2p', 'predict', '--checkpoint', lm, 'cat');
      expect(p.code).toBe(1);
      expect(p.err).toMatch(/not a G2P checkpoint.*language model/);
    });

    it('reports malformed dictionary lines with their numbers and skips them only when asked', async () => {
      const bad = join(dir, 'bad.txt');
      await writeFile(bad, `${WORDS.map(([w, p]) => `${w}  ${p}`).join('\n')}\nOOPS K AE1\nWHAT  W AH1 XX\n`);
      const r = await cli(
        'g2p',
        'train',
        '--dict',
        bad,
        ...tiny,
        ...tinyTransformer,
        '--out',
        join(dir, 'bad'),
      );
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/2 malformed lines:\n {2}line 21: .*\n {2}line 22: unknown phoneme "XX"/);
      const s = await cli(
        'g2p',
        'train',
        '--dict',
        bad,
        '--skip-malformed',
        ...tiny,
        ...tinyTransformer,
        '--out',
        join(dir, 'skipped'),
      );
      expect(s.code).toBe(0);
      expect(jsonLines(s.out)[0]).toMatchObject({ event: 'data', skipMalformed: true });
    }, 60_000);

    it('rejects an empty split', async () => {
      const two = join(dir, 'two.txt');
      await writeFile(two, 'CAT  K AE1 T\nBAT  B AE1 T\n');
      const r = await cli('g2p', 'train', '--dict', two, '--steps', '1', '--valid-words', '0');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/split of 2 words is empty/);
    });

    it('rejects a held-out word longer than the models take before training', async () => {
      const long = join(dir, 'long-words.txt');
      const longWords = Array.from(
        { length: 20 },
        (_, i) => `${'A'.repeat(48)}${String.fromCharCode(66 + i)}  AH0`,
      );
      await writeFile(long, `${[...WORDS.map(([w, p]) => `${w}  ${p}`), ...longWords].join('\n')}\n`);
      const out = join(dir, 'long-words');
      const r = await trainTiny(...tinyTransformer, '--dict', long, '--out', out);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/the test word "a{48}[b-u]" has 49 letters; the models take at most 47/);
      expect(existsSync(out)).toBe(false);
    });

    it('rejects --nbest larger than --beam', async () => {
      const r = await cli(
        'g2p',
        'predict',
        '--checkpoint',
        transformer,
        '--beam',
        '2',
        '--nbest',
        '3',
        'cat',
      );
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/--nbest \(3\) must not exceed --beam \(2\)/);
    });
  });
});
