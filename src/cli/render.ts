/**
 * The text rendering of pipeline events: the lesson's views, with the run's own numbers.
 * It formats what the events carry and computes nothing the engine knows.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import asciichart from 'asciichart';
import type { Output } from './output.js';
import type { PipelineEvent, DataEvent } from '../pipeline.js';
import type { EpochEvent, TrainEndEvent } from '../train/events.js';
import type { DataFlow } from '../explain/flow.js';
import type { PredictionTrace, CellStep } from '../explain/predict.js';
import { textDataLine, tokenInput } from './render-text.js';
import { memorySentence, type MemoryComparison } from '../explain/insight.js';
import { cellOf } from '../nn/cells/index.js';
import type { Evaluation } from '../train/evaluate.js';
import type { Mode } from '../nn/options.js';
import { dims, num, rowsSample, seconds, shape, vec } from '../format.js';

export class PipelineRenderer {
  private bar: cliProgress.SingleBar | null = null;
  private epochs: EpochEvent[] = [];
  private batchLosses: number[] = [];
  private data: DataEvent | null = null;
  private section = 0;

  constructor(private readonly out: Output) {}

  handle(e: PipelineEvent): void {
    this.out.event(e);
    if (this.out.json) return;
    switch (e.type) {
      case 'data':
        return this.onData(e);
      case 'model':
        return this.print(`Model: ${describeModel(e.options)}, ${e.parameters} parameters.`);
      case 'flow':
        return this.renderFlow(e.flow, e.weights);
      case 'train_start': {
        this.heading(
          `Training trace — ${plural(e.epochs, 'epoch')} of ${plural(e.batchesPerEpoch, 'batch', 'batches')} of ${e.batchSize}${e.threads > 1 ? `, on ${e.threads} threads` : ''}`,
        );
        if (this.out.tty) {
          this.bar = new cliProgress.SingleBar(
            {
              format: '  {bar} epoch {epoch}/{epochs}  batch {value}/{total}  loss {loss}',
              hideCursor: true,
              clearOnComplete: true,
              barsize: 30,
              stream: process.stdout,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(e.batchesPerEpoch, 0, { epoch: 1, epochs: e.epochs, loss: '-' });
        }
        return;
      }
      case 'batch':
        this.batchLosses.push(e.loss);
        this.bar?.update(e.batch, { epoch: e.epoch, loss: num(e.loss, 4) });
        return;
      case 'epoch':
        this.epochs.push(e);
        return;
      case 'train_end':
        this.bar?.stop();
        this.bar = null;
        return this.renderTraining(e);
      case 'trace':
        return this.renderTrace(e.trace, e.classes, e.inputs);
      case 'test':
        return this.renderTest(e.evaluation);
      case 'insight':
        return this.renderInsight(e.comparison);
    }
  }

  /** The closing pointer to the quiz, with the options of the run it follows (`args`), so it quizzes that run. */
  finish(args: string[] = []): void {
    if (this.out.json) return;
    this.heading('Quiz');
    this.print(
      `  Test your understanding with questions about this model and this run: npx rnnscope quiz${args.map((a) => ` ${a}`).join('')}`,
    );
  }

  private print(s = ''): void {
    this.out.print(s);
  }

  private heading(title: string): void {
    const c = this.out.color;
    this.section++;
    this.print();
    this.print(c.bold(`${this.section}  ${title}`));
  }

  private onData(e: DataEvent): void {
    this.data = e;
    const c = this.out.color;
    this.print(c.bold(`rnnscope — how an RNN handles a sequence (seed ${e.seed})`));
    this.print(`Task ${c.cyan(e.name)}: ${e.description}`);
    if (e.text) return this.print(textDataLine(e));
    this.print(
      `Data: ${plural(e.sizes.train + e.sizes.val + e.sizes.test, 'sequence')} of up to ${plural(e.steps, 'step')} x ${plural(e.features.length, 'feature')}, ` +
        `${e.target === 'steps' ? 'a label per step' : 'one label per sequence'} (${e.classes.join(', ')}); ` +
        `split ${e.sizes.train} train / ${e.sizes.val} validation / ${e.sizes.test} test.`,
    );
    if (e.stepColumn?.byName && e.stepColumn.name.toLowerCase() !== 'step')
      this.print(`Steps: column "${e.stepColumn.name}" orders the rows, taken by its name; if it is a feature, pass --step-col none.`);
  }

  renderFlow(f: DataFlow, weights: 'initial' | 'trained'): void {
    const c = this.out.color;
    this.heading(
      `Data flow — ${f.stages.length} stages (test sequence ${f.sequenceId}, ${weights === 'initial' ? 'initial weights, before training' : 'trained weights'})`,
    );
    f.stages.forEach((s, i) => {
      this.print(
        `  ${c.bold(`${s.index} ${s.name}`)}  ${shape(s.inShape)} -> ${c.cyan(shape(s.outShape))}  (${dims(s.outShape, s.outDims)})${s.parameterCount ? `, ${s.parameterCount} parameters` : ''}`,
      );
      this.print(`    ${s.description}`);
      if (s.parameters.length) this.print(c.dim(`    ${s.parameters.map((p) => `${p.name} ${shape(p.shape)}`).join(', ')}`));
      this.print(`    ${rowsSample(s.values)}`);
      if (i < f.stages.length - 1) this.print(c.dim(`    |  ${shape(s.outShape)}\n    v`));
    });
  }

  private renderTraining(end: TrainEndEvent): void {
    const c = this.out.color;
    const t = new Table({
      head: ['Epoch', 'Loss ↓', 'Train acc ↑', 'Held-out acc ↑', 'Time', 'Observation'],
      colWidths: [7, 9, 13, 16, 9, Math.max(30, this.out.width - 64)],
      wordWrap: true,
      style: { head: this.out.color.isColorSupported ? ['cyan'] : [], border: [] },
    });
    for (const e of this.epochs) {
      t.push([e.epoch, num(e.loss, 4), num(e.trainAccuracy, 3), num(e.valAccuracy, 3), seconds(e.seconds), e.observation.text]);
    }
    this.print(t.toString());
    if (this.batchLosses.length > 1) {
      const width = Math.min(this.out.width - 14, 90);
      const series = bucketMeans(this.batchLosses, width);
      this.print(`  Loss per batch (${this.batchLosses.length} batches, averaged into ${series.length} columns)`);
      this.print(
        asciichart.plot(series, { height: 8, format: (x: number) => (Math.abs(x) < 1000 ? x.toFixed(3) : x.toExponential(2)).padStart(9) }),
      );
    }
    if (end.reason === 'nonfinite')
      this.print(c.red(`  Training stopped after ${seconds(end.seconds)}: a step went non-finite (see below).`));
    else this.print(`  ${end.message} in ${seconds(end.seconds)}.`);
  }

  /** `inputs`: a text model's input token at each step, shown instead of its id. */
  renderTrace(tr: PredictionTrace, classes: string[], inputs?: string[]): void {
    const c = this.out.color;
    const kind = cellOf(tr.mode).short;
    this.heading(`Prediction trace — test sequence ${tr.sequenceId}, ${tr.steps.length} steps`);
    const ok = (p: number, y: number) =>
      y < 0 ? c.dim('no label') : p === y ? c.green(`true ${classes[y]} ✓`) : c.red(`true ${classes[y]} ✗`);
    for (const s of tr.steps) {
      this.print(`  ${c.bold(`Step ${s.t + 1}`)}  input x_${s.t + 1} = ${inputs ? `'${inputs[s.t]}'` : vec(s.x)}`);
      for (const cell of s.cells) this.renderCell(cell, s.t, kind, tr.mode, tr.steps.length);
      if (s.probs) {
        // many classes (a language model's tokens): the most likely few
        const probs = (s.top ?? s.probs.map((p, k) => ({ k, p }))).map(({ k, p }) => `${classes[k]} ${num(p)}`).join('  ');
        this.print(
          `    output layer: softmax(head(h_${s.t + 1})) = ${probs} -> ${c.bold(classes[s.predicted!]!)}, ${ok(s.predicted!, s.target!)}`,
        );
      }
    }
    if (tr.final) {
      const probs = tr.final.probs.map((p, k) => `${classes[k]} ${num(p)}`).join('  ');
      this.print(
        `  ${c.bold('Output layer')} on h_n: ${probs} -> ${c.bold(classes[tr.final.predicted]!)}, ${ok(tr.final.predicted, tr.final.target)}`,
      );
    }
    this.renderHeat(tr, inputs);
    this.print(`  ${tr.correct} of ${tr.counted} ${tr.final ? 'sequence' : 'labelled steps'} right.`);
  }

  private renderCell(cell: CellStep, t: number, kind: string, mode: PredictionTrace['mode'], T: number): void {
    const c = this.out.color;
    const where = `${kind} layer ${cell.layer + 1}${cell.direction ? ' (reverse)' : ''}`;
    const prev = cell.direction ? `h_${t + 2}` : `h_${t}`;
    const now = `h_${t + 1}`;
    const atStart = cell.direction ? t === T - 1 : t === 0;
    this.print(`    ${where}: W_ih x_${t + 1} + b_ih = ${vec(cell.inputPart)}`);
    this.print(
      `    ${' '.repeat(where.length)}  W_hh ${prev} + b_hh = ${vec(cell.hiddenPart)}${atStart ? c.dim(`  (${prev} = h0, the initial state)`) : ''}`,
    );
    if (cell.gates) {
      const names = Object.keys(cell.gates).join(', ');
      this.print(
        `    ${' '.repeat(where.length)}  gates ${names}: ${Object.entries(cell.gates)
          .map(([k, v]) => `${k} ${vec(v, 2, 4)}`)
          .join('  ')}`,
      );
      if (cell.c) this.print(`    ${' '.repeat(where.length)}  c_${t + 1} = f * c_prev + i * g = ${vec(cell.c)}`);
    }
    const act =
      mode === 'rnn_relu' ? 'relu(sum)' : mode === 'rnn_tanh' ? 'tanh(sum)' : mode === 'lstm' ? 'o * tanh(c)' : '(1 - z) * n + z * h_prev';
    this.print(`    ${' '.repeat(where.length)}  ${now} = ${act} = ${c.cyan(vec(cell.h))}`);
  }

  /** One step in full: every unit's two halves of the pre-activation, gates, state, and the output. */
  renderStep(tr: PredictionTrace, t: number, classes: string[]): void {
    const c = this.out.color;
    const s = tr.steps[t]!;
    this.heading(`Step ${t + 1} of test sequence ${tr.sequenceId} in detail`);
    this.print(`  x_${t + 1} = ${vec(s.x, 4, 1000)}`);
    for (const cell of s.cells) {
      const H = cell.h.length;
      const G = cell.inputPart.length;
      const gates = cell.gates ? Object.keys(cell.gates) : [];
      const head = [
        'Unit',
        ...(gates.length ? gates.flatMap((g) => [`${g}: in`, `${g}: hid`, g]) : ['W_ih x + b_ih', 'W_hh h + b_hh', 'sum']),
        ...(cell.c ? ['c_prev', 'c'] : []),
        'h_prev',
        'h',
      ];
      const tbl = new Table({ head, style: { head: c.isColorSupported ? ['cyan'] : [], border: [] } });
      const Hg = G / Math.max(gates.length, 1);
      for (let u = 0; u < Hg; u++) {
        const row: (string | number)[] = [u + 1];
        if (gates.length) {
          gates.forEach((g, k) =>
            row.push(num(cell.inputPart[k * Hg + u]!, 3), num(cell.hiddenPart[k * Hg + u]!, 3), num(cell.gates![g]![u]!, 3)),
          );
        } else {
          row.push(num(cell.inputPart[u]!, 3), num(cell.hiddenPart[u]!, 3), num(cell.inputPart[u]! + cell.hiddenPart[u]!, 3));
        }
        if (cell.c) row.push(num(cell.cPrev![u]!, 3), num(cell.c[u]!, 3));
        row.push(u < cell.hPrev.length ? num(cell.hPrev[u]!, 3) : '', u < H ? num(cell.h[u]!, 3) : '');
        tbl.push(row);
      }
      this.print(`  ${cellOf(tr.mode).short} layer ${cell.layer + 1}${cell.direction ? ' (reverse)' : ''}: ${cellOf(tr.mode).equation}`);
      this.print(tbl.toString());
    }
    if (s.probs) {
      this.print(
        `  Output layer: logits ${vec(s.logits!, 4, 100)} -> softmax ${s.probs.map((p, k) => `${classes[k]} ${num(p, 4)}`).join('  ')}`,
      );
      this.print(`  Predicted ${c.bold(classes[s.predicted!]!)}${s.target! >= 0 ? `, true ${classes[s.target!]}` : ''}.`);
    }
  }

  /** Hidden state over time: one row per unit of the first layer, one column per step. */
  private renderHeat(tr: PredictionTrace, inputs?: string[]): void {
    const c = this.out.color;
    const cells = tr.steps.map((s) => s.cells[0]!);
    const units = cells[0]!.h.length;
    const ramp = '▁▂▃▄▅▆▇█';
    this.print(`  Hidden state h_t of layer 1 over time (rows: units, columns: steps; bar height from -1 to +1):`);
    if (inputs) this.print(`    ${' '.repeat(7)} ${inputs.map((t) => (Array.from(t).length === 1 ? t : '·')).join('')}`);
    for (let u = 0; u < units; u++) {
      const row = cells
        .map((cell) => {
          const v = Math.max(-1, Math.min(1, cell.h[u]!));
          const ch = ramp[Math.round(((v + 1) / 2) * (ramp.length - 1))]!;
          return v >= 0 ? c.red(ch) : c.blue(ch);
        })
        .join('');
      this.print(`    unit ${String(u + 1).padStart(2)} ${row}`);
    }
  }

  private renderTest(ev: Evaluation): void {
    this.print();
    this.print(
      `Test split: accuracy ${num(ev.accuracy, 3)} over ${ev.counted} labelled ${this.data?.target === 'last' ? 'sequences' : 'steps'}, loss ${num(ev.loss, 4)}.`,
    );
  }

  private renderInsight(m: MemoryComparison): void {
    const c = this.out.color;
    this.heading('Key insight — the same data with and without memory');
    const t = new Table({ head: ['Model', 'Test accuracy'], style: { head: c.isColorSupported ? ['cyan'] : [], border: [] } });
    t.push(
      ['RNN with its hidden state (trained above)', num(m.withMemory, 3)],
      ['The same RNN, hidden state reset before every step', num(m.reset, 3)],
      [`A model of the same size trained on single steps (${m.parameters} parameters)`, num(m.memoryless, 3)],
      ['Always the commonest class (chance)', num(m.chance, 3)],
    );
    this.print(t.toString());
    this.print(`  RNNs handle sequences by remembering past inputs through a hidden state that updates at each step.`);
    this.print(`  ${memorySentence(m, c.bold)}`);
  }
}

export function describeModel(o: {
  mode: string;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  numClasses: number;
  headOn: string;
  projSize: number;
  vocabSize?: number;
  embeddingDim?: number;
}): string {
  const cell = cellOf(o.mode as Mode).label.replace(/[()]/g, '');
  const input = o.vocabSize === undefined ? plural(o.inputSize, 'feature') : tokenInput(o.vocabSize, o.embeddingDim ?? 0);
  const parts = [`${input} -> ${cell}, ${o.hiddenSize} hidden`];
  if (o.numLayers > 1) parts.push(`${o.numLayers} layers`);
  if (o.bidirectional) parts.push('bidirectional');
  if (o.projSize) parts.push(`projected to ${o.projSize}`);
  const D = o.bidirectional ? 2 : 1;
  return `${parts.join(', ')} -> Linear ${D * (o.projSize || o.hiddenSize)} -> ${o.numClasses} ${o.headOn === 'steps' ? 'on every step' : 'on the last state'}`;
}

/** Means of `n` equal runs of `v` (or `v` itself when shorter). */
function bucketMeans(v: number[], n: number): number[] {
  if (v.length <= n) return v;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor((i * v.length) / n);
    const b = Math.floor(((i + 1) * v.length) / n);
    let s = 0;
    for (let k = a; k < b; k++) s += v[k]!;
    out.push(s / (b - a));
  }
  return out;
}

/** "1 epoch", "2 epochs". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
