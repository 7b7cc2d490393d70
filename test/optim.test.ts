import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SGD, Adam, AdamW, RMSprop, clipGradNorm, StepLR, CosineAnnealingLR, type Optimizer } from '../src/optim/index.js';
import { allocations } from '../src/tensor/buf.js';
import { ConfigError, ModelFileError, ShapeError } from '../src/errors.js';
import { assertClose } from './helpers.js';

// Expected values below are derived on scalars from the formulas in torch.optim's docs, written
// independently of src/optim (e.g. Adam in its textbook form with bias-corrected m-hat and v-hat).
// They run in float64, where the implementation does no rounding of its own.

/** Runs `make(params, grads)` over the gradient sequence and returns the parameters after each step. */
function run(make: (p: Float64Array, g: Float64Array) => Optimizer, p0: number[], grads: number[][]): number[][] {
  const p = Float64Array.from(p0);
  const g = new Float64Array(p0.length);
  const opt = make(p, g);
  return grads.map((gs) => {
    g.set(gs);
    opt.step();
    return Array.from(p);
  });
}

const G = [
  [0.5, -2],
  [-0.25, 1],
  [0.75, 0.1],
];
const P0 = [1, -0.5];

test('SGD without momentum steps p - lr * g', () => {
  const out = run((p, g) => new SGD(p, g, { lr: 0.1 }), P0, G);
  assertClose(out[0]!, [1 - 0.05, -0.5 + 0.2], 'step 1', 1e-15, 0);
  assertClose(out[2]!, [1 - 0.1 * (0.5 - 0.25 + 0.75), -0.5 - 0.1 * (-2 + 1 + 0.1)], 'step 3', 1e-15, 0);
});

test('SGD momentum starts its buffer at the first gradient, undamped, as PyTorch', () => {
  const lr = 0.1,
    mu = 0.9,
    damp = 0.5,
    wd = 0.01;
  const expect = P0.map((p0, j) => {
    let p = p0,
      b = 0;
    return G.map((gs, t) => {
      const g = gs[j]! + wd * p;
      b = t === 0 ? g : mu * b + (1 - damp) * g;
      p -= lr * b;
      return p;
    });
  });
  const out = run((p, g) => new SGD(p, g, { lr, momentum: mu, dampening: damp, weightDecay: wd }), P0, G);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, [expect[0]![t]!, expect[1]![t]!], `step ${t + 1}`, 1e-15, 1e-14);
  assertClose(out[0]!, [1 - 0.1 * (0.5 + 0.01), -0.5 - 0.1 * (-2 - 0.005)], 'first step has no dampening', 1e-15, 0);
});

test('SGD with nesterov and maximize follows the gradient plus momentum times the buffer', () => {
  const lr = 0.05,
    mu = 0.8;
  const expect = P0.map((p0, j) => {
    let p = p0,
      b = 0;
    return G.map((gs, t) => {
      const g = -gs[j]!;
      b = t === 0 ? g : mu * b + g;
      p -= lr * (g + mu * b);
      return p;
    });
  });
  const out = run((p, g) => new SGD(p, g, { lr, momentum: mu, nesterov: true, maximize: true }), P0, G);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, [expect[0]![t]!, expect[1]![t]!], `step ${t + 1}`, 1e-15, 1e-14);
});

/** Adam in the textbook form of Kingma and Ba, with PyTorch's L2 or decoupled decay. */
function adamByHand(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, amsgrad: boolean): number[][] {
  const cols = P0.map((p0, j) => {
    let p = p0,
      m = 0,
      v = 0,
      vmax = 0;
    return G.map((gs, i) => {
      const t = i + 1;
      if (decoupled) p *= 1 - lr * wd;
      const g = gs[j]! + (decoupled ? 0 : wd * p);
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      vmax = Math.max(vmax, v);
      const mHat = m / (1 - b1 ** t);
      const vHat = (amsgrad ? vmax : v) / (1 - b2 ** t);
      p -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      return p;
    });
  });
  return G.map((_, t) => cols.map((c) => c[t]!));
}

test('Adam with defaults matches the textbook update with bias correction', () => {
  const out = run((p, g) => new Adam(p, g), P0, G);
  const expect = adamByHand(1e-3, 0.9, 0.999, 1e-8, 0, false, false);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, expect[t]!, `step ${t + 1}`, 1e-15, 1e-13);
  // The first step moves each parameter by lr against the sign of its gradient.
  assertClose(out[0]!, [1 - 1e-3, -0.5 + 1e-3], 'first step is lr * sign(g)', 1e-10, 0);
});

test('Adam adds weight decay to the gradient and amsgrad normalizes by the largest second moment', () => {
  const opts = { lr: 0.01, betas: [0.8, 0.99] as const, eps: 1e-3, weightDecay: 0.1, amsgrad: true };
  const out = run((p, g) => new Adam(p, g, opts), P0, G);
  const expect = adamByHand(0.01, 0.8, 0.99, 1e-3, 0.1, false, true);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, expect[t]!, `step ${t + 1}`, 1e-15, 1e-13);
});

test('AdamW decays parameters by 1 - lr * weightDecay before the Adam update', () => {
  const out = run((p, g) => new AdamW(p, g, { lr: 0.01, weightDecay: 0.5, amsgrad: true }), P0, G);
  const expect = adamByHand(0.01, 0.9, 0.999, 1e-8, 0.5, true, true);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, expect[t]!, `step ${t + 1}`, 1e-15, 1e-13);
  // With zero gradients only the decay acts: the default weightDecay is 1e-2.
  const zero = run((p, g) => new AdamW(p, g), [2], [[0], [0], [0]]);
  assertClose(zero[2]!, [2 * (1 - 1e-3 * 1e-2) ** 3], 'pure decay', 1e-15, 0);
});

/** RMSprop from torch.optim.RMSprop's docs. */
function rmspropByHand(lr: number, alpha: number, eps: number, wd: number, mu: number, centered: boolean): number[][] {
  const cols = P0.map((p0, j) => {
    let p = p0,
      s = 0,
      a = 0,
      b = 0;
    return G.map((gs) => {
      const g = gs[j]! + wd * p;
      s = alpha * s + (1 - alpha) * g * g;
      a = alpha * a + (1 - alpha) * g;
      const avg = Math.sqrt(centered ? s - a * a : s) + eps;
      if (mu > 0) {
        b = mu * b + g / avg;
        p -= lr * b;
      } else {
        p -= (lr * g) / avg;
      }
      return p;
    });
  });
  return G.map((_, t) => cols.map((c) => c[t]!));
}

test('RMSprop with defaults divides by the root of the running mean square', () => {
  const out = run((p, g) => new RMSprop(p, g), P0, G);
  const expect = rmspropByHand(1e-2, 0.99, 1e-8, 0, 0, false);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, expect[t]!, `step ${t + 1}`, 1e-15, 1e-13);
  // First step: s = 0.01 g^2, so each parameter moves by lr / sqrt(0.01) = 0.1 against its gradient.
  assertClose(out[0]!, [1 - 0.1, -0.5 + 0.1], 'first step', 1e-7, 0);
});

test('RMSprop centered with momentum and weight decay', () => {
  const opts = { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.1, momentum: 0.5, centered: true };
  const out = run((p, g) => new RMSprop(p, g, opts), P0, G);
  const expect = rmspropByHand(0.01, 0.9, 1e-6, 0.1, 0.5, true);
  for (let t = 0; t < G.length; t++) assertClose(out[t]!, expect[t]!, `step ${t + 1}`, 1e-15, 1e-13);
});

test('optimizers on float32 agree with PyTorch 1.13 within 1e-6 after three steps', () => {
  // Recorded once with torch 1.13 (float32, foreach=False) from the inputs below.
  const p0 = [0.5, -1.25, 2.0, 0.0];
  const gs = [
    [0.1, -0.2, 3.0, 0.0],
    [-0.3, 0.05, 2.5, 1e-4],
    [0.2, -0.4, -1.0, 0.02],
  ];
  const cases: [string, (p: Float32Array, g: Float32Array) => Optimizer, number[]][] = [
    [
      'SGD',
      (p, g) => new SGD(p, g, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
      [0.5035520195960999, -1.1617696285247803, 0.8400967121124268, -0.0018170918338000774],
    ],
    [
      'SGD nesterov',
      (p, g) => new SGD(p, g, { lr: 0.1, momentum: 0.9, nesterov: true }),
      [0.5089100003242493, -1.1187700033187866, 0.4808000922203064, -0.003827099921181798],
    ],
    [
      'Adam',
      (p, g) => new Adam(p, g, { lr: 0.01, weightDecay: 0.1, amsgrad: true }),
      [0.4905427098274231, -1.2230271100997925, 1.9737519025802612, -0.013858216814696789],
    ],
    [
      'AdamW',
      (p, g) => new AdamW(p, g, { lr: 0.01 }),
      [0.49460554122924805, -1.2275919914245605, 1.9736552238464355, -0.013856368139386177],
    ],
    [
      'RMSprop',
      (p, g) => new RMSprop(p, g, { lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1 }),
      [0.3910193145275116, -0.9594549536705017, 1.745913028717041, -0.251112163066864],
    ],
  ];
  for (const [name, make, expected] of cases) {
    const p = Float32Array.from(p0);
    const g = new Float32Array(4);
    const opt = make(p, g);
    for (const s of gs) {
      g.set(s);
      opt.step();
    }
    assertClose(p, expected, name, 1e-6, 0);
  }
});

/** One of each optimizer with every optional state buffer in use. */
function everyOptimizer(p: Float32Array, g: Float32Array): Optimizer[] {
  return [
    new SGD(p, g, { lr: 0.1, momentum: 0.9, nesterov: true }),
    new Adam(p, g, { amsgrad: true, weightDecay: 0.1 }),
    new AdamW(p, g, { amsgrad: true }),
    new RMSprop(p, g, { momentum: 0.9, centered: true }),
  ];
}

test('step() allocates nothing', () => {
  const p = new Float32Array(64).fill(0.5);
  const g = new Float32Array(64).fill(0.1);
  for (const opt of everyOptimizer(p, g)) {
    const before = allocations();
    for (let i = 0; i < 5; i++) opt.step();
    assert.equal(allocations(), before, `${opt.constructor.name}.step() allocated`);
  }
});

test('stateDict and loadState resume an optimizer exactly, through JSON', () => {
  for (let k = 0; k < 4; k++) {
    const p = Float32Array.from([0.3, -0.7, 1.1]);
    const g = new Float32Array(3);
    const a = everyOptimizer(p, g)[k]!;
    const grads = [
      [0.1, -0.2, 0.3],
      [0.5, 0.4, -0.1],
      [-0.3, 0.2, 0.2],
      [0.05, -0.6, 0.9],
    ];
    for (const s of grads.slice(0, 2)) (g.set(s), a.step());
    const saved = JSON.parse(JSON.stringify(a.stateDict()));
    const p2 = Float32Array.from(p);
    const b = everyOptimizer(p2, g)[k]!;
    b.lr = 123;
    b.loadState(saved);
    assert.equal(b.stepCount, 2);
    assert.equal(b.lr, a.lr);
    for (const s of grads.slice(2)) {
      g.set(s);
      a.step();
      b.step();
    }
    assertClose(p2, p, `${a.constructor.name} resumed`, 0, 0);
  }
});

test('loadState rejects a state of another optimizer or size, changing nothing', () => {
  const p = new Float32Array(3);
  const adam = new Adam(p, new Float32Array(3));
  const sgd = new SGD(p, new Float32Array(3), { lr: 0.1 });
  assert.throws(() => adam.loadState(sgd.stateDict()), /state is for SGD, but it is being loaded into Adam/);
  const other = new Adam(new Float32Array(4), new Float32Array(4)).stateDict();
  assert.throws(() => adam.loadState(other), ModelFileError);
  const noMax = adam.stateDict();
  assert.throws(() => new Adam(p, new Float32Array(3), { amsgrad: true }).loadState(noMax), /max_exp_avg_sq has no elements/);
  assert.equal(adam.stepCount, 0);
});

test("optimizers reject invalid options with PyTorch's messages", () => {
  const p = new Float32Array(2);
  const g = new Float32Array(2);
  const cases: [() => unknown, RegExp][] = [
    [() => new Adam(p, g, { betas: [1.5, 0.9] }), /^Invalid beta parameter at index 0: 1.5; it must be in \[0, 1\)\.$/],
    [() => new AdamW(p, g, { betas: [0.9, 1] }), /Invalid beta parameter at index 1: 1;/],
    [() => new Adam(p, g, { lr: -1 }), /Invalid learning rate: -1; it must be >= 0\./],
    [() => new Adam(p, g, { lr: NaN }), /Invalid learning rate: NaN/],
    [() => new Adam(p, g, { eps: -1e-8 }), /Invalid epsilon value/],
    [() => new AdamW(p, g, { weightDecay: -0.1 }), /Invalid weight_decay value: -0.1/],
    [() => new SGD(p, g, { lr: 0.1, momentum: -0.5 }), /Invalid momentum value: -0.5/],
    [() => new SGD(p, g, { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/],
    [() => new SGD(p, g, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /dampening 0.1/],
    [() => new SGD(p, g, {} as { lr: number }), /SGD needs a learning rate/],
    [() => new RMSprop(p, g, { alpha: -0.1 }), /Invalid alpha value: -0.1/],
    [() => new RMSprop(p, g, { momentum: -1 }), /Invalid momentum value/],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof ConfigError && message.test(e.message));
  }
  assert.throws(() => new Adam(p, new Float32Array(3)), ShapeError);
});

test('clipGradNorm scales gradients to maxNorm and returns the norm before clipping', () => {
  const g = Float64Array.from([3, -4]);
  const norm = clipGradNorm(g, 1);
  assert.equal(norm, 5);
  const coef = 1 / (5 + 1e-6);
  assertClose(g, [3 * coef, -4 * coef], 'clipped', 1e-15, 0);
});

test('clipGradNorm leaves gradients alone below maxNorm', () => {
  const g = Float64Array.from([3, -4]);
  assert.equal(clipGradNorm(g, 10), 5);
  assert.deepEqual(Array.from(g), [3, -4]);
});

test('clipGradNorm supports the infinity norm and other p-norms', () => {
  const g = Float64Array.from([1, -6, 2]);
  assert.equal(clipGradNorm(g, 3, Infinity), 6);
  assertClose(
    g,
    [0.5, -3, 1].map((v) => v * (6 / (6 + 1e-6))),
    'inf-clipped',
    1e-15,
    0,
  );
  assertClose([clipGradNorm(Float64Array.from([1, -2, 2]), 100, 1)], [5], '1-norm', 1e-15, 0);
  assertClose([clipGradNorm(Float64Array.from([1, 2]), 100, 3)], [9 ** (1 / 3)], '3-norm', 1e-15, 0);
});

test('clipGradNorm turns every gradient NaN when the norm is NaN, as PyTorch 1.13', () => {
  const g = Float32Array.from([1, NaN, 2]);
  assert.ok(Number.isNaN(clipGradNorm(g, 1)));
  assert.ok(Array.from(g).every(Number.isNaN));
  assert.throws(() => clipGradNorm(g, 1, 0), ConfigError);
  assert.throws(() => clipGradNorm(g, -1), ConfigError);
});

/** The lr after construction and after each of `epochs` schedule steps. */
function lrs(schedule: { step(): void }, opt: { lr: number }, epochs: number): number[] {
  const out = [opt.lr];
  for (let e = 0; e < epochs; e++) {
    schedule.step();
    out.push(opt.lr);
  }
  return out;
}

test('StepLR multiplies the lr by gamma every stepSize epochs', () => {
  const opt = new SGD(new Float32Array(1), new Float32Array(1), { lr: 0.05 });
  const s = new StepLR(opt, { stepSize: 3 });
  const got = lrs(s, opt, 10);
  assertClose(
    got,
    got.map((_, e) => 0.05 * 0.1 ** Math.floor(e / 3)),
    'lr',
    0,
    1e-15,
  );
  assert.equal(s.lastEpoch, 10);
  assert.equal(s.getLastLr(), opt.lr);
  // PyTorch's recursive product, not the closed form: 0.05 * 0.1 * 0.1 * 0.1.
  assert.equal(got[9], 5.0000000000000016e-5);
});

test('CosineAnnealingLR follows the half cosine to etaMin and back up past tMax', () => {
  const opt = { lr: 0.05 };
  const s = new CosineAnnealingLR(opt, { tMax: 5, etaMin: 0.001 });
  const got = lrs(s, opt, 25);
  const closed = got.map((_, e) => 0.001 + ((0.05 - 0.001) * (1 + Math.cos((Math.PI * e) / 5))) / 2);
  assertClose(got, closed, 'lr', 0, 1e-13);
  // Recorded from torch 1.13; these differ from the closed form in the last bits.
  const torch = [
    0.05, 0.045320916362186214, 0.03307091636218621, 0.017929083637813786, 0.005679083637813789, 0.001, 0.005679083637813788,
    0.017929083637813797, 0.03307091636218623, 0.04532091636218624, 0.05000000000000003,
  ];
  assertClose(got.slice(0, 11), torch, 'lr vs torch', 0, 1e-15);
  assert.equal(s.lastEpoch, 25);
});

test('schedules resume from stateDict after the optimizer is restored', () => {
  const a = { lr: 0.1 };
  const s = new CosineAnnealingLR(a, { tMax: 4 });
  lrs(s, a, 3);
  const b = { lr: a.lr };
  const resumed = new CosineAnnealingLR(b, { tMax: 4 });
  resumed.loadState(s.stateDict());
  assert.deepEqual(lrs(resumed, b, 5), lrs(s, a, 5));
  assert.equal(resumed.lastEpoch, 8);
});

test('schedules reject invalid options', () => {
  const opt = { lr: 0.1 };
  assert.throws(() => new StepLR(opt, { stepSize: 0 }), /StepLR stepSize is 0; it must be an integer >= 1\./);
  assert.throws(() => new StepLR(opt, { stepSize: 2, gamma: NaN }), ConfigError);
  assert.throws(() => new CosineAnnealingLR(opt, { tMax: 2.5 }), /tMax is 2.5/);
});
