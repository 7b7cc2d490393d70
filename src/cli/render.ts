/**
 * The text rendering of pipeline events: the lesson's views, with the run's own numbers.
 * It formats what the events carry and computes nothing the engine knows.
 */
import cliProgress from 'cli-progress';
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
import { fitTable, unitColumns, vecFit } from './layout.js';
import { timeLeft } from './progress.js';

/**
 * Which steps of a trace to show: `from`..`to`, 1-based; or as many as `budget` lines hold (from the
 * step before the first change of label, where memory shows), `more` naming the commands that show every step.
 */
export interface TraceView {
  from?: number;
  to?: number;
  budget?: number;
  /** The commands that show every step, one per line. */
  more?: () => string[];
  /** A text model's input token at each step, shown instead of its id. */
  inputs?: string[];
}

/** The main job's heat map shows at most this many units. */
const HEAT_MAX_UNITS = 16;

export class PipelineRenderer {
  private bar: cliProgress.SingleBar | null = null;
  /** The bar's run: when it started, its first epoch, epochs and batches per epoch (for the time left). */
  private run: { t0: number; first: number; epochs: number; batches: number } | null = null;
  private epochs: EpochEvent[] = [];
  private batchLosses: number[] = [];
  private data: DataEvent | null = null;
  private section = 0;

  /** `trace`: how the 'trace' event is shown (the main job gives a screen's budget). */
  constructor(
    private readonly out: Output,
    private readonly trace: TraceView = {},
  ) {}

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
              format: '  {bar} epoch {epoch}/{epochs}  batch {value}/{total}  loss {loss}  {left}',
              hideCursor: true,
              clearOnComplete: true,
              // The words beside the bar take about 54 columns with the time left.
              barsize: Math.max(10, Math.min(30, this.out.width - 56)),
              stream: process.stdout,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(e.batchesPerEpoch, 0, { epoch: 1, epochs: e.epochs, loss: '-', left: '' });
          this.run = { t0: performance.now(), first: 0, epochs: e.epochs, batches: e.batchesPerEpoch };
        }
        return;
      }
      case 'batch':
        this.batchLosses.push(e.loss);
        if (this.bar && this.run) {
          const r = this.run;
          if (!r.first) r.first = e.epoch; // a resumed run starts past epoch 1
          const done = (e.epoch - r.first) * r.batches + e.batch;
          const total = (r.epochs - r.first + 1) * r.batches;
          const left = timeLeft(done, total, (performance.now() - r.t0) / 1000);
          this.bar.update(e.batch, { epoch: e.epoch, loss: num(e.loss, 4), left: left ?? '' });
        }
        return;
      case 'epoch':
        this.epochs.push(e);
        return;
      case 'train_end':
        this.bar?.stop();
        this.bar = null;
        return this.renderTraining(e);
      case 'trace':
        return this.renderTrace(e.trace, e.classes, { ...this.trace, inputs: e.inputs });
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
      // As many values of the first and last rows as the width holds.
      let cols = 8;
      while (cols > 2 && 4 + rowsSample(s.values, 2, cols).length > this.out.width) cols--;
      this.print(`    ${rowsSample(s.values, 2, cols)}`);
      if (i < f.stages.length - 1) this.print(c.dim(`    |  ${shape(s.outShape)}\n    v`));
    });
  }

  private renderTraining(end: TrainEndEvent): void {
    const c = this.out.color;
    const rows = this.epochs.map((e) => [
      e.epoch,
      num(e.loss, 4),
      num(e.trainAccuracy, 3),
      num(e.valAccuracy, 3),
      seconds(e.seconds).padEnd(7), // one width whatever the time, so the table's layout does not depend on it
      e.observation.text,
    ]);
    const head = ['Epoch', 'Loss ↓', 'Train acc ↑', 'Held-out acc ↑', 'Time', 'Observation'];
    this.print(fitTable(head, rows, this.out.width, { color: c.isColorSupported, flex: 5, flexMin: 30 }));
    if (this.batchLosses.length > 1) {
      // asciichart puts a 9-column label, " ┤" and one column of its own before the series.
      const width = Math.min(this.out.width - 16, 90);
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

  /**
   * The prediction trace, steps `from`..`to` (1-based, inclusive; all by default). With a line budget
   * (the main job's: one screen), only the steps that fit are shown, around the first change of label,
   * and `more()` names the commands that show them all.
   */
  renderTrace(tr: PredictionTrace, classes: string[], o: TraceView = {}): void {
    const c = this.out.color;
    const kind = cellOf(tr.mode).short;
    const T = tr.steps.length;
    let from = o.from ?? 1;
    let to = o.to ?? T;
    if (o.budget !== undefined) {
      const s0 = tr.steps[0]!;
      const perStep = 1 + (s0.probs ? 1 : 0) + s0.cells.reduce((n, cell) => n + this.cellLines(cell), 0);
      const fixed = 2 + 3 + 1 + Math.min(this.heatUnits(tr), HEAT_MAX_UNITS) + 1 + (tr.final ? 1 : 0);
      const n = Math.max(1, Math.floor((o.budget - fixed) / perStep));
      // Start one step before the label first changes: the steps where memory has work to do.
      const change = tr.steps.findIndex(
        (s, t) => t > 0 && s.target! >= 0 && tr.steps[t - 1]!.target! >= 0 && s.target !== tr.steps[t - 1]!.target,
      );
      from = Math.max(1, change);
      to = Math.min(T, from + n - 1);
      from = Math.max(1, to - n + 1);
    }
    const part = from === 1 && to === T ? `${T} steps` : from === to ? `step ${from} of ${T}` : `steps ${from}-${to} of ${T}`;
    this.heading(`Prediction trace — test sequence ${tr.sequenceId}, ${part}`);
    const ok = (p: number, y: number) =>
      y < 0 ? c.dim('no label') : p === y ? c.green(`true ${classes[y]} ✓`) : c.red(`true ${classes[y]} ✗`);
    for (const s of tr.steps.slice(from - 1, to)) {
      const lead = `  Step ${s.t + 1}  input x_${s.t + 1} = `;
      this.print(
        `  ${c.bold(`Step ${s.t + 1}`)}  input x_${s.t + 1} = ${o.inputs ? `'${o.inputs[s.t]}'` : vecFit(s.x, this.out.width - lead.length)}`,
      );
      for (const cell of s.cells) this.renderCell(cell, s.t, kind, tr, T);
      if (s.probs) {
        // many classes (a language model's tokens): the most likely few
        const probs = (s.top ?? s.probs.map((p, k) => ({ k, p }))).map(({ k, p }) => `${classes[k]} ${num(p)}`).join('  ');
        this.print(
          `    output: softmax(head(h_${s.t + 1})) = ${probs} -> ${c.bold(classes[s.predicted!]!)}, ${ok(s.predicted!, s.target!)}`,
        );
      }
    }
    const hidden = [from > 1 ? `1-${from - 1}` : '', to < T ? `${to + 1}-${T}` : ''].filter(Boolean);
    if (hidden.length && o.more) {
      this.print(c.dim(`  Steps ${hidden.join(' and ')} are not shown; every step, from this run saved to a file:`));
      for (const cmd of o.more()) this.print(c.dim(`    ${cmd}`));
    }
    if (tr.final) {
      const probs = tr.final.probs.map((p, k) => `${classes[k]} ${num(p)}`).join('  ');
      this.print(
        `  ${c.bold('Output layer')} on h_n: ${probs} -> ${c.bold(classes[tr.final.predicted]!)}, ${ok(tr.final.predicted, tr.final.target)}`,
      );
    }
    this.renderHeat(tr, o.budget !== undefined ? HEAT_MAX_UNITS : Infinity, o.inputs);
    this.print(`  ${tr.correct} of ${tr.counted} ${tr.final ? 'sequence' : 'labelled steps'} right.`);
  }

  /** Lines renderCell prints for one cell. */
  private cellLines(cell: CellStep): number {
    return 3 + (cell.gates ? Object.keys(cell.gates).length : 0) + (cell.c ? 1 : 0);
  }

  private renderCell(cell: CellStep, t: number, kind: string, tr: PredictionTrace, T: number): void {
    const c = this.out.color;
    const where = `${kind} layer ${cell.layer + 1}${cell.direction ? ' (reverse)' : ''}`;
    const prev = cell.direction ? `h_${t + 2}` : `h_${t}`;
    const now = `h_${t + 1}`;
    const atStart = cell.direction ? t === T - 1 : t === 0;
    const pad = `    ${' '.repeat(where.length)}  `;
    // Above the first layer, a layer's input is the hidden state of the layer below (both directions).
    const input = cell.layer === 0 ? `x_${t + 1}` : `h_${t + 1}(layer ${cell.layer})`;
    const line = (lead: string, label: string, v: ArrayLike<number>, note = '', paint = (x: string) => x) => {
      const room = this.out.width - lead.length - label.length - 3;
      const full = vecFit(v, room);
      // The note only where it leaves the values whole.
      const n = full.length + note.length <= room ? note : '';
      this.print(`${lead}${label} = ${paint(full)}${c.dim(n)}`);
    };
    line(`    ${where}: `, `W_ih ${input} + b_ih`, cell.inputPart);
    line(pad, `W_hh ${prev} + b_hh`, cell.hiddenPart, atStart ? `  (${prev} = h0)` : '');
    if (cell.gates) {
      const info = cellOf(tr.mode);
      for (const g of info.gates) {
        const arg = tr.mode === 'gru' && g.symbol === 'n' ? 'in_n + r * hid_n' : 'in + hid';
        line(pad, `${g.symbol} = ${g.activation}(${arg})`, cell.gates[g.symbol]!);
      }
      if (cell.c) line(pad, `c_${t + 1} = f * c_prev + i * g`, cell.c);
    }
    const act =
      tr.mode === 'rnn_relu'
        ? 'relu(sum)'
        : tr.mode === 'rnn_tanh'
          ? 'tanh(sum)'
          : tr.mode === 'lstm'
            ? tr.projSize > 0
              ? 'W_hr (o * tanh(c))'
              : 'o * tanh(c)'
            : '(1 - z) * n + z * h_prev';
    line(pad, `${now} = ${act}`, cell.h, '', c.cyan);
  }

  /** One step in full: every unit's two halves of the pre-activation, gates, state, and the output; units as columns. */
  renderStep(tr: PredictionTrace, t: number, classes: string[]): void {
    const c = this.out.color;
    const s = tr.steps[t]!;
    const info = cellOf(tr.mode);
    this.heading(`Step ${t + 1} of test sequence ${tr.sequenceId} in detail`);
    this.print(`  x_${t + 1} = ${vec(s.x, 4, 1000)}`);
    for (const cell of s.cells) {
      const f = (v: number) => num(v, 3);
      const gates = cell.gates ? info.gates.map((g) => g.symbol) : [];
      const names: string[] = [];
      const rows: string[][] = [];
      const H = cell.c?.length ?? cell.inputPart.length / Math.max(gates.length, 1);
      const add = (name: string, v: ArrayLike<number>) => {
        names.push(name);
        rows.push(Array.from({ length: H }, (_, u) => (u < v.length ? f(v[u]!) : '')));
      };
      const input = cell.layer === 0 ? 'x' : `h(layer ${cell.layer})`;
      if (gates.length) {
        info.gates.forEach((g, k) => {
          add(`${g.symbol}: in`, cell.inputPart.slice(k * H, (k + 1) * H));
          add(`${g.symbol}: hid`, cell.hiddenPart.slice(k * H, (k + 1) * H));
          add(`${g.symbol} = ${g.activation}`, cell.gates![g.symbol]!);
        });
      } else {
        add('in', cell.inputPart);
        add('hid', cell.hiddenPart);
        add(
          'in + hid',
          cell.inputPart.map((v, u) => v + cell.hiddenPart[u]!),
        );
      }
      if (cell.c) {
        add('c_prev', cell.cPrev!);
        add('c', cell.c);
      }
      if (cell.m) add('o * tanh(c)', cell.m);
      else {
        add('h_prev', cell.hPrev);
        add('h', cell.h);
      }
      const equation =
        tr.projSize > 0 ? info.equation.replace('h = o * tanh(c)', `h = W_hr (o * tanh(c)), ${tr.projSize} values`) : info.equation;
      this.print(`  ${info.short} layer ${cell.layer + 1}${cell.direction ? ' (reverse)' : ''}: ${equation}`);
      this.print(c.dim(`    in = W_ih ${input} + b_ih, hid = W_hh h_prev + b_hh${gates.length ? ', per gate' : ''}`));
      this.print(unitColumns(names, rows, this.out.width, c.isColorSupported));
      if (cell.m) {
        // The projection's output has P values, not H: its own small table.
        const P = cell.h.length;
        const prj = [Array.from({ length: P }, (_, u) => f(cell.hPrev[u]!)), Array.from({ length: P }, (_, u) => f(cell.h[u]!))];
        this.print(`  h = W_hr (o * tanh(c)): W_hr [${P}, ${H}] projects ${H} units to ${P} values, not bounded by 1`);
        this.print(unitColumns(['h_prev', 'h'], prj, this.out.width, c.isColorSupported));
      }
    }
    if (s.probs) {
      this.print(
        `  Output layer: logits ${vec(s.logits!, 4, 100)} -> softmax ${s.probs.map((p, k) => `${classes[k]} ${num(p, 4)}`).join('  ')}`,
      );
      this.print(`  Predicted ${c.bold(classes[s.predicted!]!)}${s.target! >= 0 ? `, true ${classes[s.target!]}` : ''}.`);
    }
  }

  private heatUnits(tr: PredictionTrace): number {
    return tr.steps[0]!.cells[0]!.h.length;
  }

  /** Hidden state over time: one row per unit of the first layer, one column per step. */
  private renderHeat(tr: PredictionTrace, maxUnits = Infinity, inputs?: string[]): void {
    const c = this.out.color;
    const cells = tr.steps.map((s) => s.cells[0]!);
    const all = cells[0]!.h.length;
    const units = Math.min(all, maxUnits);
    const ramp = '▁▂▃▄▅▆▇█';
    const clip = tr.projSize > 0 ? ', projected: beyond them at the ends' : '';
    this.print(`  h_t of layer 1 over time (rows: units, columns: steps; bars from -1 to +1${clip}):`);
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
    if (units < all) this.print(c.dim(`    (units ${units + 1}-${all}: rnnscope trace)`));
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
    const rows = [
      ['RNN with its hidden state (trained above)', num(m.withMemory, 3)],
      ['The same RNN, hidden state reset before every step', num(m.reset, 3)],
      [`A model of the same size trained on single steps (${m.parameters} parameters)`, num(m.memoryless, 3)],
      ['Always the commonest class (chance)', num(m.chance, 3)],
    ];
    this.print(fitTable(['Model', 'Test accuracy'], rows, this.out.width, { color: c.isColorSupported, flex: 0 }));
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
