/**
 * A SequenceModel as an ONNX model of standard operators, for onnxruntime (web, node, Python, C++)
 * and every runtime that reads ONNX. Browser-safe: it returns bytes; the CLI writes the file.
 *
 * The graph, opset 17 (ONNX 1.12; onnxruntime has run it since 1.12):
 *
 *   input    float32 [T, B, I] ([B, T, I] for a batch-first model): the raw features, as `predict`
 *            reads them from a data file; the graph applies the model file's normalisation itself
 *   lengths  int32 [B]: each sequence's length, 1 to T (the RNN/LSTM/GRU ops' `sequence_lens`: later
 *            steps are skipped, as PyTorch's packed sequences and rnnscope's `lengths` do)
 *   logits   float32 [T, B, C] ([B, T, C] batch-first) for a model whose head reads every step, zero
 *            state (the head's bias) where padded; [B, C] for a head on the last state
 *
 * T and B are dynamic. Each layer is one RNN, LSTM or GRU node (both directions in one), its weights
 * re-ordered from PyTorch's gate rows to ONNX's; between layers, Y [T, D, B, H] becomes [T, B, D*H]
 * with a Transpose and a Reshape. Dropout is a training-time operation and is left out.
 *
 * Operator definitions: https://onnx.ai/onnx/operators/ (RNN, LSTM, GRU, version 14).
 */
import onnxProto from 'onnx-proto';
import type { SequenceModel } from '../nn/model.js';
import type { Mode } from '../nn/options.js';
import type { Normalization } from '../data/dataset.js';
import { ConfigError } from '../errors.js';
import { decodeModel, type ModelMeta } from '../io/model.js';
import type { RunMeta } from '../io/run-meta.js';

const { onnx } = onnxProto;

/** The opset the graph declares. */
export const ONNX_OPSET = 17;
/** IR version 8: the one ONNX 1.10-1.12 writes, read by every onnxruntime since 1.10. */
const IR_VERSION = 8;

export interface OnnxOptions {
  /** Per-feature statistics applied before the model (a model file's `normalization`); none: the input is used as it is. */
  normalization?: Normalization | null;
  /** Kept in the file's metadata_props, for whoever reads the outputs. */
  classes?: readonly string[];
  features?: readonly string[];
  /** The producer's version, written in the file. */
  producerVersion?: string;
  /**
   * A regression model's target normalisation (its file's `regression.targetNorm`): the graph turns its
   * standardised outputs into the target's units and names the output `values` instead of `logits`.
   */
  targetNorm?: { mean: readonly number[]; std: readonly number[] } | null;
}

/**
 * Each ONNX gate block's PyTorch block, per cell. PyTorch's rows: LSTM i f g o, GRU r z n;
 * ONNX's: LSTM i o f c, GRU z r h (h computed as PyTorch's n when linear_before_reset = 1).
 */
const GATE_ORDER: Record<Mode, readonly number[]> = {
  rnn_tanh: [0],
  rnn_relu: [0],
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
};

const OP: Record<Mode, string> = { rnn_tanh: 'RNN', rnn_relu: 'RNN', lstm: 'LSTM', gru: 'GRU' };

/** Why a model cannot be exported, or null when it can. */
export function onnxRefusal(model: SequenceModel): string | null {
  if (model.options.projSize > 0)
    return `ONNX's LSTM operator has no projection, so an LSTM with projSize ${model.options.projSize} cannot be exported to ONNX; export it with --format torch, or train it without --proj-size`;
  return null;
}

/** The ONNX model's bytes (a serialized ModelProto). Throws ConfigError for what ONNX cannot express (projSize). */
export function encodeOnnx(model: SequenceModel, o: OnnxOptions = {}): Uint8Array {
  const refusal = onnxRefusal(model);
  if (refusal) throw new ConfigError(refusal);
  const g = new GraphBuilder();
  const m = model.options;
  const D = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  const I = m.inputSize;
  const C = m.numClasses;
  const tokens = m.vocabSize !== undefined;
  if (tokens) {
    // token ids [T, B] (int64, as nn.Embedding takes them) -> features [T, B, I]
    g.input('input', onnx.TensorProto.DataType.INT64, m.batchFirst ? ['batch', 'steps'] : ['steps', 'batch']);
  } else {
    g.input('input', onnx.TensorProto.DataType.FLOAT, m.batchFirst ? ['batch', 'steps', I] : ['steps', 'batch', I]);
  }
  g.input('lengths', onnx.TensorProto.DataType.INT32, ['batch']);

  let x = 'input';
  const norm = tokens ? null : o.normalization;
  if (tokens && m.embeddingDim) {
    x = g.node(
      'Gather',
      [g.floats('embedding_weight', [m.vocabSize!, m.embeddingDim], model.table.view('embedding.weight')), x],
      {},
      'embedded',
    );
  } else if (tokens) {
    x = g.node('OneHot', [x, g.ints('vocab_size', [m.vocabSize!]), g.floats('one_hot_values', [2], [0, 1])], { axis: -1 }, 'one_hot');
  }
  if (norm) {
    if (norm.mean.length !== I || norm.std.length !== I)
      throw new ConfigError(
        `the normalisation has ${norm.mean.length} means and ${norm.std.length} deviations; the model reads ${I} features`,
      );
    x = g.node('Sub', [x, g.floats('norm_mean', [I], norm.mean)], {}, 'centred');
    x = g.node('Div', [x, g.floats('norm_std', [I], norm.std)], {}, 'normalised');
  }
  if (m.batchFirst) x = g.node('Transpose', [x], { perm: [1, 0, 2] }, 'time_major');

  const gates = GATE_ORDER[m.mode];
  const G = gates.length * H;
  let yh = '';
  for (let l = 0; l < m.numLayers; l++) {
    const In = l === 0 ? I : D * H;
    const W = new Float32Array(D * G * In);
    const R = new Float32Array(D * G * H);
    const Bias = new Float32Array(D * 2 * G);
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const wih = model.table.view(`rnn.weight_ih${sfx}`);
      const whh = model.table.view(`rnn.weight_hh${sfx}`);
      const bih = m.bias ? model.table.view(`rnn.bias_ih${sfx}`) : null;
      const bhh = m.bias ? model.table.view(`rnn.bias_hh${sfx}`) : null;
      gates.forEach((from, to) => {
        W.set(wih.subarray(from * H * In, (from + 1) * H * In), (d * G + to * H) * In);
        R.set(whh.subarray(from * H * H, (from + 1) * H * H), (d * G + to * H) * H);
        if (bih && bhh) {
          Bias.set(bih.subarray(from * H, (from + 1) * H), d * 2 * G + to * H);
          Bias.set(bhh.subarray(from * H, (from + 1) * H), d * 2 * G + G + to * H);
        }
      });
    }
    const inputs = [x, g.floats(`W_l${l}`, [D, G, In], W), g.floats(`R_l${l}`, [D, G, H], R)];
    inputs.push(m.bias ? g.floats(`B_l${l}`, [D, 2 * G], Bias) : '', 'lengths');
    const attrs: Attrs = { hidden_size: H, direction: m.bidirectional ? 'bidirectional' : 'forward' };
    if (m.mode === 'rnn_tanh' || m.mode === 'rnn_relu')
      attrs['activations'] = Array<string>(D).fill(m.mode === 'rnn_relu' ? 'Relu' : 'Tanh');
    if (m.mode === 'gru') attrs['linear_before_reset'] = 1; // PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    const y = `Y_l${l}`;
    yh = `Y_h_l${l}`;
    g.nodeN(OP[m.mode], inputs, attrs, [y, yh]);
    // Y [T, D, B, H] -> [T, B, D, H] -> [T, B, D*H], the next layer's input and the head's
    const t = g.node('Transpose', [y], { perm: [0, 2, 1, 3] }, `Y_l${l}_tbdh`);
    x = g.node('Reshape', [t, g.ints(`shape_l${l}`, [0, 0, -1])], {}, `out_l${l}`);
  }

  const F = D * H;
  const wT = new Float32Array(F * C); // head.weight is [C, F]; MatMul wants [F, C]
  const w = model.table.view('head.weight');
  for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) wT[f * C + c] = w[c * F + f]!;
  let feat = x;
  if (m.headOn === 'last') {
    // the top layer's Y_h [D, B, H] -> [B, D, H] -> [B, D*H]: forward then reverse, as rnnscope
    const t = g.node('Transpose', [yh], { perm: [1, 0, 2] }, 'last_bdh');
    feat = g.node('Reshape', [t, g.ints('shape_last', [0, -1])], {}, 'last_state');
  }
  let logits = g.node('MatMul', [feat, g.floats('head_weight_t', [F, C], wT)], {}, m.headBias ? 'head_matmul' : 'head_out');
  if (m.headBias) logits = g.node('Add', [logits, g.floats('head_bias', [C], model.table.view('head.bias'))], {}, 'head_out');
  const tn = o.targetNorm;
  if (tn) {
    if (tn.mean.length !== C || tn.std.length !== C)
      throw new ConfigError(
        `the target normalisation has ${tn.mean.length} means and ${tn.std.length} deviations; the model has ${C} outputs`,
      );
    logits = g.node('Mul', [logits, g.floats('target_std', [C], tn.std)], {}, 'scaled');
    logits = g.node('Add', [logits, g.floats('target_mean', [C], tn.mean)], {}, 'in_target_units');
  }
  const outName = tn ? 'values' : 'logits';
  const batchFirstOut = m.batchFirst && m.headOn === 'steps';
  g.node(batchFirstOut ? 'Transpose' : 'Identity', [logits], batchFirstOut ? { perm: [1, 0, 2] } : {}, outName);
  const outDims = m.headOn === 'last' ? ['batch', C] : m.batchFirst ? ['batch', 'steps', C] : ['steps', 'batch', C];
  g.output(outName, onnx.TensorProto.DataType.FLOAT, outDims);

  const meta: Record<string, string> = { opset: String(ONNX_OPSET), cell: m.mode, head_on: m.headOn };
  meta['normalization'] = norm ? 'in the graph: feed raw features' : 'none';
  if (tokens) meta['input'] = `token ids (int64), a vocabulary of ${m.vocabSize}`;
  if (tn) meta['output'] = "values in the target's units (the training split's target normalisation is in the graph)";
  if (o.classes) meta['classes'] = JSON.stringify(o.classes);
  if (o.features) meta['features'] = JSON.stringify(o.features);
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'rnnscope',
    producerVersion: o.producerVersion ?? '',
    docString: `${m.mode} model from rnnscope: inputs "input" (${tokens ? 'int64 token ids' : 'raw features'}) and "lengths" (int32 per sequence), output "${outName}"`,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: g.graph('rnnscope'),
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

type Attrs = Record<string, number | string | number[] | string[]>;
type Dim = string | number;

/** Nodes, initializers, inputs and outputs of one graph, named as it goes. */
class GraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inits: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];

  input(name: string, type: number, dims: Dim[]): void {
    this.inputs.push(valueInfo(name, type, dims));
  }

  output(name: string, type: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: littleEndian(data) }));
    return name;
  }

  ints(name: string, values: number[]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    const dims = [values.length];
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: littleEndian(data) }));
    return name;
  }

  /** A node with one output, named `out`; returns the name. */
  node(op: string, inputs: string[], attrs: Attrs, out: string): string {
    return this.nodeN(op, inputs, attrs, [out])[0]!;
  }

  nodeN(op: string, inputs: string[], attrs: Attrs, outs: string[]): string[] {
    const attribute = Object.entries(attrs).map(([name, v]) => attribute_(name, v));
    this.nodes.push(onnx.NodeProto.create({ opType: op, name: `${op}_${this.nodes.length}`, input: inputs, output: outs, attribute }));
    return outs;
  }

  graph(name: string): InstanceType<typeof onnx.GraphProto> {
    return onnx.GraphProto.create({ name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs });
  }
}

function valueInfo(name: string, elemType: number, dims: Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim } } } });
}

function attribute_(name: string, v: Attrs[string]): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  const bytes = (s: string) => new TextEncoder().encode(s);
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: bytes(v) });
  if (v.every((e): e is number => typeof e === 'number')) return onnx.AttributeProto.create({ name, type: T.INTS, ints: v });
  return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: (v as string[]).map(bytes) });
}

/** The values' bytes, little-endian as ONNX's raw_data is, whatever the host's order. */
function littleEndian(a: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(a.length * a.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (a instanceof Float32Array) a.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else a.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

/** A model file's bytes as ONNX bytes, with the file's normalisation and names (the explorer's one entry point). */
export function onnxFromModelFile(bytes: Uint8Array, source = 'model file'): Uint8Array {
  const { model, meta } = decodeModel(bytes, source);
  return encodeOnnx(model, onnxOptionsOf(meta));
}

/** What a model file's metadata tells the ONNX graph: the input normalisation, names, and a regression model's target units. */
export function onnxOptionsOf(meta: ModelMeta): OnnxOptions {
  const regression = (meta as RunMeta).regression;
  return {
    normalization: meta.normalization,
    classes: meta.classes,
    features: meta.features,
    targetNorm: regression?.targetNorm ?? null,
  };
}
