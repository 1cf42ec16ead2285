// PyTorch fixtures from tools/golden/training.py (keys in FIXTURES.md): optimizer trajectories,
// clip_grad_norm_, schedules and losses with gradients.
import { Parameter } from '@attnkit/layers';
import type { Tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  type AdamOptions,
  AdamW,
  clipGradNorm,
  crossEntropy,
  LambdaLR,
  maskedSoftmaxCELoss,
  mseLoss,
  type Optimizer,
  SGD,
  type SGDOptions,
  StepLR,
} from '../src/index.js';
import { expectAllClose, type Fixed, load, readFixture } from './helpers.js';

interface OptimizerCase {
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  initial: Fixed[];
  steps: { grads: (Fixed | null)[]; params: Fixed[] }[];
}
interface ClipCase {
  maxNorm: number;
  normType: number | 'inf';
  dtype: string;
  grads: Fixed[];
  totalNorm: number;
  clipped: Fixed[];
}
interface LossCase {
  R: Fixed;
  output: Fixed;
  [key: string]: unknown;
}
interface Fixture {
  meta: { skipStep: number };
  optimizers: Record<string, OptimizerCase>;
  clipGradNorm: Record<string, ClipCase>;
  schedules: {
    stepLR: { baseLr: number; stepSize: number; gamma: number; lrs: number[] };
    lambdaLR: { baseLr: number; lrs: number[] };
  };
  losses: {
    mse: Record<string, LossCase>;
    crossEntropy: Record<string, LossCase>;
    maskedSoftmaxCELoss: Record<string, LossCase>;
  };
}

const fixture = readFixture<Fixture>('training.json');

function makeOptimizer(c: OptimizerCase, params: Parameter[]): Optimizer {
  if (c.optimizer === 'SGD') return new SGD(params, c.options as unknown as SGDOptions);
  if (c.optimizer === 'Adam') return new Adam(params, c.options as AdamOptions);
  return new AdamW(params, c.options as AdamOptions);
}

describe('optimizers against torch.optim', () => {
  for (const [name, c] of Object.entries(fixture.optimizers)) {
    it(`follows the PyTorch trajectory: ${name} (${c.optimizer} ${JSON.stringify(c.options)}, ${c.dtype})`, () => {
      const params = c.initial.map((f) => new Parameter(load(f)));
      const optimizer = makeOptimizer(c, params);
      // float64 runs agree to rounding; float32 runs differ by where PyTorch rounds intermediates.
      const [atol, rtol] = c.dtype === 'float64' ? [1e-12, 1e-10] : [2e-6, 2e-5];
      c.steps.forEach((step, k) => {
        params.forEach((p, i) => {
          const g = step.grads[i];
          p.grad = g === null || g === undefined ? null : load(g);
        });
        optimizer.step();
        params.forEach((p, i) => {
          try {
            expectAllClose(p, step.params[i]!, atol, rtol);
          } catch (err) {
            throw new Error(`step ${k + 1}, param ${i}: ${(err as Error).message}`);
          }
        });
      });
    });
  }

  it('skips a parameter whose grad is null at the fixture step, as PyTorch does', () => {
    const c = fixture.optimizers.adam!;
    const skip = fixture.meta.skipStep;
    expect(c.steps[skip - 1]!.grads[1]).toBeNull();
    // The second parameter is unchanged by that step in PyTorch too.
    expectAllClose(load(c.steps[skip - 1]!.params[1]!), c.steps[skip - 2]!.params[1]!, 0, 0);
  });
});

describe('clipGradNorm against torch.nn.utils.clip_grad_norm_', () => {
  for (const [name, c] of Object.entries(fixture.clipGradNorm)) {
    it(`returns the total norm and scales the gradients: ${name}`, () => {
      const params = c.grads.map((g) => {
        const p = new Parameter(load(g));
        p.grad = load(g);
        return p;
      });
      const normType = c.normType === 'inf' ? Number.POSITIVE_INFINITY : c.normType;
      const total = clipGradNorm(params, c.maxNorm, { normType });
      const [atol, rtol] = c.dtype === 'float64' ? [1e-12, 1e-10] : [1e-6, 1e-5];
      expect(Math.abs(total - c.totalNorm)).toBeLessThanOrEqual(atol + rtol * c.totalNorm);
      params.forEach((p, i) => {
        expectAllClose(p.grad as Tensor, c.clipped[i]!, atol, rtol);
      });
    });
  }
});

describe('schedules against torch.optim.lr_scheduler', () => {
  it('matches StepLR(step_size=3, gamma=0.5) at construction and after each step', () => {
    const s = fixture.schedules.stepLR;
    const optimizer = new SGD([new Parameter(load({ shape: [1], dtype: 'float32', data: [0] }))], {
      lr: s.baseLr,
    });
    const scheduler = new StepLR(optimizer, { stepSize: s.stepSize, gamma: s.gamma });
    const lrs = [scheduler.lastLr];
    for (let i = 1; i < s.lrs.length; i++) lrs.push(scheduler.step());
    expectAllClose(lrs, s.lrs, 1e-15, 1e-12);
  });

  it('matches LambdaLR(lambda t: 0.9 ** t)', () => {
    const s = fixture.schedules.lambdaLR;
    const optimizer = new SGD([new Parameter(load({ shape: [1], dtype: 'float32', data: [0] }))], {
      lr: s.baseLr,
    });
    const scheduler = new LambdaLR(optimizer, (t) => 0.9 ** t);
    const lrs = [scheduler.lastLr];
    for (let i = 1; i < s.lrs.length; i++) lrs.push(scheduler.step());
    expectAllClose(lrs, s.lrs, 1e-15, 1e-12);
  });
});

/** Forward against PyTorch and backward of sum(output · R) against PyTorch's gradients. */
function checkLoss(
  c: LossCase,
  run: (inputs: Record<string, Tensor>) => Tensor,
  differentiable: Record<string, string>,
): void {
  const inputs: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(c)) {
    if (value !== null && typeof value === 'object' && 'shape' in (value as object)) {
      inputs[key] = load(value as Fixed, key in differentiable);
    }
  }
  const out = run(inputs);
  const tight = (c.output as Fixed).dtype === 'float64';
  const [atol, rtol] = tight ? [1e-12, 1e-10] : [1e-6, 1e-5];
  expectAllClose(out, c.output, atol, rtol);
  out.backward(load(c.R));
  for (const [key, gradKey] of Object.entries(differentiable)) {
    expectAllClose(inputs[key]!.grad as Tensor, c[gradKey] as Fixed, atol, rtol);
  }
}

describe('losses against torch.nn.functional', () => {
  for (const [name, c] of Object.entries(fixture.losses.mse)) {
    it(`mseLoss matches F.mse_loss with its gradients: ${name}`, () => {
      checkLoss(c, ({ pred, target }) => mseLoss(pred!, target!, { reduction: c.reduction as 'mean' }), {
        pred: 'gradPred',
        target: 'gradTarget',
      });
    });
  }
  for (const [name, c] of Object.entries(fixture.losses.crossEntropy)) {
    it(`crossEntropy matches F.cross_entropy (class axis moved last) with its gradient: ${name}`, () => {
      checkLoss(
        c,
        ({ logits, targets }) =>
          crossEntropy(logits!, targets!, {
            reduction: c.reduction as 'mean',
            ignoreIndex: c.ignoreIndex as number,
            labelSmoothing: c.labelSmoothing as number,
          }),
        { logits: 'gradLogits' },
      );
    });
  }
  for (const [name, c] of Object.entries(fixture.losses.maskedSoftmaxCELoss)) {
    it(`maskedSoftmaxCELoss matches D2L's MaskedSoftmaxCELoss with its gradient: ${name}`, () => {
      checkLoss(c, ({ pred, label, validLen }) => maskedSoftmaxCELoss(pred!, label!, validLen!), {
        pred: 'gradPred',
      });
    });
  }
});
