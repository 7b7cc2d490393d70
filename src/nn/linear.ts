/**
 * Linear: y = x W^T + b, W [O, I], b [O] (PyTorch's nn.Linear, same names and init:
 * kaiming_uniform(a = sqrt(5)) makes W ~ U(-1/sqrt(I), 1/sqrt(I)), and b the same bound).
 * Rows are independent, so the caller passes any number N of rows, laid out contiguously.
 */
import { gemm } from '../tensor/gemm.js';
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import type { ParamSpec, ParamTable } from './params.js';

export interface LinearOptions {
  /** Input features I. */
  inFeatures: number;
  /** Output features O. */
  outFeatures: number;
  /** Learn an additive bias b [O]. Default true. */
  bias?: boolean;
}

export function linearSpecs(o: LinearOptions, prefix: string): ParamSpec[] {
  for (const k of ['inFeatures', 'outFeatures'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new ConfigError(`${k} must be a positive integer, got ${o[k]}`);
  }
  const bound = 1 / Math.sqrt(o.inFeatures);
  const specs: ParamSpec[] = [{ name: `${prefix}weight`, shape: [o.outFeatures, o.inFeatures], bound }];
  if (o.bias ?? true) specs.push({ name: `${prefix}bias`, shape: [o.outFeatures], bound });
  return specs;
}

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly w: number;
  private readonly b: number;
  /** (O) the bias gradient's sum over rows, in doubles, before it is added to the float32 gradient once. */
  private readonly bsum: Float64Array;

  constructor(
    o: LinearOptions,
    readonly table: ParamTable,
    prefix: string,
  ) {
    this.inFeatures = o.inFeatures;
    this.outFeatures = o.outFeatures;
    this.w = table.offsetOf(`${prefix}weight`);
    this.b = table.offsetOf(`${prefix}bias`);
    this.bsum = new Float64Array(this.b >= 0 ? o.outFeatures : 0);
  }

  /** y[N, O] = x[N, I] W^T + b. */
  forward(y: Buf, yOff: number, x: Buf, xOff: number, ldx: number, N: number): void {
    const { inFeatures: I, outFeatures: O } = this;
    const p = this.table.data;
    if (this.b >= 0) {
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) y[yOff + n * O + o] = p[this.b + o]!;
      gemm(false, true, N, O, I, 1, x, xOff, ldx, p, this.w, I, 1, y, yOff, O);
    } else {
      gemm(false, true, N, O, I, 1, x, xOff, ldx, p, this.w, I, 0, y, yOff, O);
    }
  }

  /** dW += dy^T x, db += sum over rows of dy, and dx (+)= dy W when dx is given (beta: 0 writes, 1 adds). */
  backward(
    dy: Buf,
    dyOff: number,
    x: Buf,
    xOff: number,
    ldx: number,
    N: number,
    dx: Buf | null,
    dxOff: number,
    lddx: number,
    beta: 0 | 1,
  ): void {
    const { inFeatures: I, outFeatures: O } = this;
    const g = this.table.grad;
    gemm(true, false, O, I, N, 1, dy, dyOff, O, x, xOff, ldx, 1, g, this.w, I);
    if (this.b >= 0) {
      // In doubles over all N rows (T·B for a head on every step), then once into float32: a float32
      // running sum loses a relative 1e-5 by 256,000 rows.
      const s = this.bsum;
      s.fill(0);
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) s[o]! += dy[dyOff + n * O + o]!;
      for (let o = 0; o < O; o++) g[this.b + o]! += s[o]!;
    }
    if (dx) gemm(false, false, N, I, O, 1, dy, dyOff, O, this.table.data, this.w, I, beta, dx, dxOff, lddx);
  }
}
