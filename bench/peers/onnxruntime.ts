/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) running rnnscope's own ONNX export
 * (src/export/onnx.ts: the standard RNN/LSTM/GRU operator and a MatMul head) of the bench's weights:
 * inference only. Each call is one awaited `session.run` on a [T, B, I] float32 tensor and the
 * lengths, as a Node user of onnxruntime would write it; the tensors are made once, outside the loop.
 * Its intra-op threads follow --threads (rnnscope's), so both use the same cores.
 */
import { createRequire } from 'node:module';
import { SequenceModel } from '../../src/nn/model.js';
import { encodeOnnx } from '../../src/export/onnx.js';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, MemoryReport, Peer, StepFn } from '../peer.js';

type Ort = typeof import('onnxruntime-node');

export class OnnxRuntimePeer implements Peer {
  readonly name = 'onnxruntime';
  private ort: Ort | null = null;
  private rss = 0;

  constructor(readonly threads = 1) {}

  async available(): Promise<Availability> {
    try {
      this.ort = (await import('onnxruntime-node')) as Ort;
      const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
      return {
        ok: true,
        version: `onnxruntime-node ${version}`,
        notes: [`CPU execution provider, intraOpNumThreads ${this.threads}, inference configurations only`],
      };
    } catch (e) {
      return { ok: false, reason: `onnxruntime-node cannot be loaded (${(e as Error).message.split('\n')[0]})` };
    }
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    if (c.task !== 'infer') throw new Error('not run: ONNX Runtime runs the inference configurations only');
    const ort = this.ort!;
    const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C });
    for (const p of data.params) model.table.set(p.name, p.data);
    const session = await ort.InferenceSession.create(encodeOnnx(model), {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const { T, B, I } = c;
    const feeds = {
      input: new ort.Tensor('float32', data.x.subarray(0, T * B * I), [T, B, I]),
      lengths: new ort.Tensor('int32', new Int32Array(B).fill(T), [B]),
    };
    const outName = session.outputNames[0]!;
    return async (steps) => {
      let check = NaN;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < steps; i++) {
        const r = await session.run(feeds);
        if (i === steps - 1) {
          const d = r[outName]!.data as Float32Array;
          check = 0;
          for (let k = 0; k < d.length; k++) check += d[k]!;
        }
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      this.rss = Math.max(this.rss, process.memoryUsage().rss / (1024 * 1024));
      return { seconds, lossFirst: NaN, lossLast: NaN, check };
    };
  }

  async memory(): Promise<MemoryReport> {
    return {};
  }

  async notes(): Promise<string[]> {
    return ["rnnscope's ONNX export of the same weights; check sums its logits (the sum is over the last call)"];
  }

  async teardown(): Promise<void> {}
}
