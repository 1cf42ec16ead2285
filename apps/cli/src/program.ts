import { checkOptions } from '@attnkit/tensor';
import { Command, CommanderError } from 'commander';
import { ENCODINGS_DEFAULTS, encodings } from './commands/encodings.js';
import { G2P_DEFAULTS, type G2PTrainOptions, g2pTrain } from './commands/g2p.js';
import { g2pEval, g2pPredict } from './commands/g2p-use.js';
import { HEADS_DEFAULTS, heads } from './commands/heads.js';
import { NW_DEFAULTS, nw } from './commands/nw.js';
import { SAMPLE_DEFAULTS, sample } from './commands/sample.js';
import { TRAIN_DEFAULTS, train } from './commands/train.js';
import { EXIT, UsageError } from './errors.js';
import { type Io, writeLine } from './io.js';
import { parseChoice, parseFraction, parseInteger, parsePositive, parseSeed } from './options.js';

/** Options of {@link createProgram}. */
export interface ProgramOptions {
  sigint?: boolean;
  onInterrupted?: (signal: 'SIGINT' | 'SIGTERM' | null) => void;
}

/** Option values as commander hands them to an action. */
type Values = Record<string, unknown>;

/** Copies the keys of `values` that are set (commander leaves unset options undefined). */
function defined<T extends object>(values: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * The `attnkit` command line: `train`, `sample`, `nw`, `encodings` and `heads`. Errors (bad option
 * values, unreadable files) are reported on `io.err` as `attnkit: <message>`.
 *
 * @param options - `sigint`: let Ctrl-C stop `train` cleanly (the real CLI; tests leave it off);
 *   `onInterrupted`: called when `train` was stopped early.
 */
export function createProgram(io: Io, options: ProgramOptions = {}): Command {
  checkOptions('createProgram', options, { sigint: 'boolean', onInterrupted: 'function' });
  const program = new Command('attnkit')
    .description(
      'Attention mechanisms from D2L, in TypeScript: train a character-level Transformer and draw the figures.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
      outputError: (text, write) => write(`attnkit: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(see attnkit --help)');

  const D = TRAIN_DEFAULTS;
  program
    .command('train')
    .description('train a character-level decoder-only Transformer LM (default text: Moby-Dick)')
    .option('--data <file>', 'UTF-8 text file to train on (default: Moby-Dick, bundled)')
    .option('--hiddens <n>', 'model width (numHiddens)', parseInteger(1), D.hiddens)
    .option('--heads <n>', 'attention heads per block; must divide --hiddens', parseInteger(1), D.heads)
    .option('--blocks <n>', 'Transformer blocks', parseInteger(1), D.blocks)
    .option('--ffn <n>', 'hidden width of the position-wise FFN (default 4 × hiddens)', parseInteger(1))
    .option('--context <n>', 'characters per training window', parseInteger(1), D.context)
    .option('--batch <n>', 'windows per step', parseInteger(1), D.batch)
    .option('--steps <n>', 'optimizer steps', parseInteger(1), D.steps)
    .option(
      '--lr <rate>',
      'peak learning rate (AdamW, warm-up then cosine decay to lr/10)',
      parsePositive(),
      D.lr,
    )
    .option('--warmup <n>', 'warm-up steps (default 5% of --steps, at most 100)', parseInteger(0))
    .option('--weight-decay <λ>', 'AdamW decoupled weight decay', parsePositive(true), D.weightDecay)
    .option('--dropout <p>', 'dropout probability', parseFraction(), D.dropout)
    .option(
      '--positional <kind>',
      'position scheme: sinusoidal, learned, rotary or alibi',
      parseChoice(['sinusoidal', 'learned', 'rotary', 'alibi'] as const),
      D.positional,
    )
    .option('--seed <n>', 'seed of the weights, batches and sample', parseSeed, D.seed)
    .option('--out <dir>', 'output directory (default runs/<timestamp>)')
    .option('--eval-every <n>', 'validate every n steps (default steps / 10)', parseInteger(1))
    .option('--eval-windows <n>', 'held-out windows per periodic validation', parseInteger(1), D.evalWindows)
    .option(
      '--final-eval-windows <n>',
      'held-out windows of the final validation (0 = the whole split)',
      parseInteger(0),
      D.finalEvalWindows,
    )
    .option('--val-fraction <f>', 'fraction of the text held out at the end', parseFraction(), D.valFraction)
    .option('--sample-length <n>', 'characters to generate at the end', parseInteger(0), D.sampleLength)
    .option(
      '--threads <n>',
      'threads for the matrix and attention kernels (worker threads)',
      parseInteger(1),
      D.threads,
    )
    .action(async (v: Values) => {
      const report = await train(
        {
          ...defined({
            data: v.data as string | undefined,
            ffn: v.ffn as number | undefined,
            warmup: v.warmup as number | undefined,
            out: v.out as string | undefined,
            evalEvery: v.evalEvery as number | undefined,
          }),
          hiddens: v.hiddens as number,
          heads: v.heads as number,
          blocks: v.blocks as number,
          context: v.context as number,
          batch: v.batch as number,
          steps: v.steps as number,
          lr: v.lr as number,
          weightDecay: v.weightDecay as number,
          dropout: v.dropout as number,
          positional: v.positional as typeof D.positional,
          seed: v.seed as number,
          evalWindows: v.evalWindows as number,
          finalEvalWindows: v.finalEvalWindows as number,
          valFraction: v.valFraction as number,
          sampleLength: v.sampleLength as number,
          threads: v.threads as number,
          handleSigint: options.sigint === true,
        },
        io,
      );
      if (report.aborted) options.onInterrupted?.(report.stoppedBy);
    });

  const S = SAMPLE_DEFAULTS;
  program
    .command('sample')
    .description('generate text from a trained checkpoint (KV-cached decoding)')
    .requiredOption('--checkpoint <dir>', 'directory with model.safetensors and config.json')
    .option('--prompt <text>', 'text to continue', S.prompt)
    .option('--length <n>', 'characters to generate', parseInteger(0), S.length)
    .option('--temperature <t>', 'softmax temperature (0 = greedy)', parsePositive(true), S.temperature)
    .option('--top-k <k>', 'sample among the k most likely characters', parseInteger(1))
    .option('--seed <n>', 'seed of the sampler', parseSeed, S.seed)
    .action(async (v: Values) => {
      await sample(
        {
          checkpoint: v.checkpoint as string,
          prompt: v.prompt as string,
          length: v.length as number,
          temperature: v.temperature as number,
          seed: v.seed as number,
          ...defined({ topK: v.topK as number | undefined }),
        },
        io,
      );
    });

  program
    .command('nw')
    .description('D2L §11.2: Nadaraya–Watson attention pooling (average, non-parametric, parametric)')
    .option('--out <dir>', 'output directory of the figures', NW_DEFAULTS.out)
    .option('--seed <n>', 'seed of the data and the initial w', parseSeed, NW_DEFAULTS.seed)
    .option('--epochs <n>', 'SGD epochs of the parametric model', parseInteger(1), NW_DEFAULTS.epochs)
    .option('--lr <rate>', 'SGD learning rate', parsePositive(), NW_DEFAULTS.lr)
    .option(
      '--init-w <w>',
      'initial inverse bandwidth w of the parametric model',
      parsePositive(),
      NW_DEFAULTS.initW,
    )
    .action(async (v: Values) => {
      await nw(
        {
          out: v.out as string,
          seed: v.seed as number,
          epochs: v.epochs as number,
          lr: v.lr as number,
          initW: v.initW as number,
          trainPoints: NW_DEFAULTS.trainPoints,
        },
        io,
      );
    });

  program
    .command('encodings')
    .description('D2L §11.6.3: sinusoidal positional encoding plots, binary comparison, causal mask')
    .option('--out <dir>', 'output directory of the figures', ENCODINGS_DEFAULTS.out)
    .option('--positions <n>', 'positions (rows)', parseInteger(1), ENCODINGS_DEFAULTS.positions)
    .option('--dims <n>', 'encoding dimension (columns)', parseInteger(1), ENCODINGS_DEFAULTS.dims)
    .action(async (v: Values) => {
      await encodings(
        {
          out: v.out as string,
          positions: v.positions as number,
          dims: v.dims as number,
          maskSize: ENCODINGS_DEFAULTS.maskSize,
        },
        io,
      );
    });

  program
    .command('heads')
    .description(
      'multi-head attention shapes and per-head weights; with --checkpoint, head ablation and pruning',
    )
    .option('--out <dir>', 'output directory of the figures', HEADS_DEFAULTS.out)
    .option('--seed <n>', 'seed of the demo layer and inputs', parseSeed, HEADS_DEFAULTS.seed)
    .option('--checkpoint <dir>', 'a trained checkpoint to analyse')
    .option(
      '--data <file>',
      "text whose held-out split is evaluated (default: the checkpoint's training text)",
    )
    .option(
      '--eval-windows <n>',
      'held-out windows used to measure the loss',
      parseInteger(1),
      HEADS_DEFAULTS.evalWindows,
    )
    .option('--prune <n>', 'number of least important heads to prune (default a quarter)', parseInteger(1))
    .action(async (v: Values) => {
      await heads(
        {
          out: v.out as string,
          seed: v.seed as number,
          evalWindows: v.evalWindows as number,
          ...defined({
            checkpoint: v.checkpoint as string | undefined,
            data: v.data as string | undefined,
            prune: v.prune as number | undefined,
          }),
        },
        io,
      );
    });

  const g2p = program
    .command('g2p')
    .description(
      'grapheme-to-phoneme on CMUdict: Transformer (D2L §11.7) or Bahdanau (D2L §10.4) encoder–decoder',
    );
  const G = G2P_DEFAULTS;
  g2p
    .command('train')
    .description(
      'train on the training words, then beam-search every held-out word and report WER/PER vs a baseline',
    )
    .option(
      '--model <kind>',
      'transformer or bahdanau',
      parseChoice(['transformer', 'bahdanau'] as const),
      G.model,
    )
    .option(
      '--preset <name>',
      'default (≤ 10 min) or long (≤ 60 min)',
      parseChoice(['default', 'long'] as const),
      G.preset,
    )
    .option('--hiddens <n>', 'model width (Transformer numHiddens, GRU hidden size)', parseInteger(1))
    .option('--heads <n>', 'attention heads (Transformer); must divide --hiddens', parseInteger(1))
    .option(
      '--blocks <n>',
      'encoder and decoder blocks (Transformer) or GRU layers (Bahdanau)',
      parseInteger(1),
    )
    .option('--ffn <n>', 'FFN width (Transformer)', parseInteger(1))
    .option('--embed <n>', 'embedding size (Bahdanau)', parseInteger(1))
    .option(
      '--norm <kind>',
      'post (D2L) or pre normalisation (Transformer)',
      parseChoice(['post', 'pre'] as const),
    )
    .option('--dropout <p>', 'dropout probability', parseFraction())
    .option('--batch <n>', 'pronunciations per step', parseInteger(1))
    .option('--steps <n>', 'optimizer steps', parseInteger(1))
    .option('--epochs <n>', 'passes over the training pronunciations (replaces --steps)', parsePositive())
    .option('--max-minutes <m>', 'training time budget (the learning rate decays over it)', parsePositive())
    .option('--lr <rate>', 'peak learning rate (AdamW)', parsePositive())
    .option('--warmup <n>', 'warm-up steps', parseInteger(0))
    .option('--label-smoothing <ε>', 'label smoothing of the loss', parseFraction())
    .option(
      '--average <fraction>',
      'average the weights over this last fraction of training (0 = off); kept if validation prefers them',
      parseFraction(),
    )
    .option('--beam <n>', 'beam size of the final evaluation (1 = greedy)', parseInteger(1))
    .option('--stress', 'keep the stress digits of the vowels (AH0, EY1)', G.stress)
    .option('--dict <file>', 'dictionary in the cmudict-0.7b format (default: the bundled CMUdict)')
    .option(
      '--skip-malformed',
      'skip malformed dictionary lines (they are reported) instead of failing',
      G.skipMalformed,
    )
    .option(
      '--test-fraction <f>',
      'fraction of the words held out for testing',
      parseFraction(),
      G.testFraction,
    )
    .option(
      '--valid-words <n>',
      'words held out for validation during training',
      parseInteger(0),
      G.validWords,
    )
    .option('--seed <n>', 'seed of the split, the weights and the batches', parseSeed, G.seed)
    .option('--out <dir>', 'run directory (default runs/g2p-<timestamp>)')
    .option('--eval-every <n>', 'validate (and checkpoint) every n steps', parseInteger(1))
    .option('--threads <n>', 'threads for the matrix and attention kernels', parseInteger(1), G.threads)
    .action(async (v: Values) => {
      const report = await g2pTrain(
        {
          ...(defined({
            hiddens: v.hiddens,
            heads: v.heads,
            blocks: v.blocks,
            ffn: v.ffn,
            embed: v.embed,
            norm: v.norm,
            dropout: v.dropout,
            batch: v.batch,
            steps: v.steps,
            epochs: v.epochs,
            maxMinutes: v.maxMinutes,
            lr: v.lr,
            warmup: v.warmup,
            labelSmoothing: v.labelSmoothing,
            average: v.average,
            beam: v.beam,
            dict: v.dict,
            out: v.out,
            evalEvery: v.evalEvery,
          }) as Partial<G2PTrainOptions>),
          model: v.model as G2PTrainOptions['model'],
          preset: v.preset as G2PTrainOptions['preset'],
          stress: v.stress === true,
          skipMalformed: v.skipMalformed === true,
          testFraction: v.testFraction as number,
          validWords: v.validWords as number,
          seed: v.seed as number,
          threads: v.threads as number,
          handleSigint: options.sigint === true,
        },
        io,
      );
      if (report.aborted) options.onInterrupted?.(report.stoppedBy);
    });
  g2p
    .command('eval')
    .description('recompute WER/PER of a checkpoint on its held-out words (rebuilds the split)')
    .requiredOption('--checkpoint <dir>', 'a run directory of `attnkit g2p train`')
    .option('--beam <n>', 'beam size (default: as trained)', parseInteger(1))
    .option(
      '--model <kind>',
      'fail unless the checkpoint is this kind',
      parseChoice(['transformer', 'bahdanau'] as const),
    )
    .action(async (v: Values) => {
      await g2pEval(
        {
          checkpoint: v.checkpoint as string,
          ...defined({
            beam: v.beam as number | undefined,
            model: v.model as G2PTrainOptions['model'] | undefined,
          }),
        },
        io,
      );
    });
  g2p
    .command('predict')
    .description('print the pronunciations of words: WORD  PH1 PH2 ...')
    .argument('[words...]', 'words to transcribe')
    .requiredOption('--checkpoint <dir>', 'a run directory of `attnkit g2p train`')
    .option('--input <file>', 'a file of words, one per line')
    .option('--beam <n>', 'beam size (1 = greedy)', parseInteger(1), 4)
    .option('--nbest <n>', 'pronunciations per word (≤ --beam)', parseInteger(1), 1)
    .option('--alpha <α>', 'GNMT length normalisation exponent', parsePositive(true))
    .action(async (words: string[], v: Values) => {
      await g2pPredict(
        {
          checkpoint: v.checkpoint as string,
          words,
          beam: v.beam as number,
          nbest: v.nbest as number,
          ...defined({ input: v.input as string | undefined, alpha: v.alpha as number | undefined }),
        },
        io,
      );
    });

  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the executable and script) and returns the exit
 * code: 0 on success (bare `attnkit` prints the help on stdout), 2 on a usage error (unknown
 * command or option, bad option value), 1 on any other error, printed as `attnkit: <message>`;
 * 130 / 143 when `train` was stopped by SIGINT / SIGTERM (its checkpoint is saved).
 */
export async function run(
  argv: readonly string[],
  io: Io,
  options: { sigint?: boolean } = {},
): Promise<number> {
  checkOptions('run', options, { sigint: 'boolean' });
  let interrupted: 'SIGINT' | 'SIGTERM' | null | undefined;
  const program = createProgram(io, {
    ...options,
    onInterrupted: (signal) => {
      interrupted = signal;
    },
  });
  if (argv.length === 0) {
    // Bare `attnkit`: the help is the answer asked for, on stdout, with success.
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (interrupted === undefined) return EXIT.ok;
    return interrupted === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed its message (or the help) already; --help and --version succeed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    writeLine(io.err, `attnkit: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.ATTNKIT_DEBUG && err instanceof Error && err.stack) writeLine(io.err, err.stack);
    return err instanceof UsageError ? EXIT.usage : EXIT.error;
  }
}
