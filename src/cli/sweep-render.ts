/**
 * The text of `rnnscope compare --sweep`: a progress bar while it runs, then accuracy against k per cell
 * (a table with each cell's spread across seeds and a chart), and the gradient through time on a log
 * scale (charts and the ratios). It formats what the sweep computed and derives nothing of its own.
 */
import cliProgress from 'cli-progress';
import { fitTable } from './layout.js';
import asciichart from 'asciichart';
import type { Output } from './output.js';
import type { SweepEvent, SweepResult } from '../explain/sweep.js';
import { verdictSentence } from '../explain/compare.js';
import { cellOf } from '../nn/cells/index.js';
import { num, points, seconds } from '../format.js';

const COLORS = [asciichart.blue, asciichart.red, asciichart.green, asciichart.magenta];

export class SweepRenderer {
  private bar: cliProgress.SingleBar | null = null;

  constructor(private readonly out: Output) {}

  handle(e: SweepEvent): void {
    if (e.type === 'sweep_run') this.out.event(e);
    else if (e.type === 'sweep_start') this.out.event(e);
    if (this.out.json) return;
    if (e.type === 'sweep_start') {
      const labels = e.cells.map((c) => `${c.label} (${c.parameters} parameters)`).join(', ');
      this.out.print(
        `Memory sweep on the delay task: the answer is the token k steps back (sequences of k + 1 steps, ${e.count} of them), ` +
          `k = ${e.delays.join(', ')}; ${labels}, ${e.hiddenSize} hidden units each; ${e.epochs} epoch${e.epochs === 1 ? '' : 's'}, batch ${e.batchSize}, ` +
          `Adam lr ${e.lr}; seeds ${e.seeds.join(', ')}: ${e.runs} runs.`,
      );
      if (this.out.tty) {
        this.bar = new cliProgress.SingleBar(
          {
            format: '  {bar} {percentage}%  run {run}/{runs}  k = {k}  {cell}  seed {seed}  {eta_formatted} left',
            hideCursor: true,
            clearOnComplete: true,
            barsize: Math.max(10, Math.min(30, this.out.width - 58)), // the words beside it take about 56 columns
            stream: process.stdout,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(e.batchesTotal, 0, { run: 1, runs: e.runs, k: e.delays[0], cell: e.cells[0]!.label, seed: e.seeds[0] });
      }
    } else if (e.type === 'sweep_batch') {
      this.bar?.update(e.batchesDone, { k: e.k, cell: cellOf(e.mode).label, seed: e.seed });
    } else if (e.type === 'sweep_run') {
      this.bar?.update({ run: Math.min(e.run + 1, e.runs) });
    }
  }

  finish(r: SweepResult): void {
    this.bar?.stop();
    this.out.event({ type: 'sweep_result', ...r });
    if (this.out.json) return;
    const c = this.out.color;
    const labels = r.cells.map((m) => cellOf(m).label);
    const rows: (string | number)[][] = [];
    for (const k of r.delays) {
      const v = r.verdicts.find((x) => x.k === k)!.verdict;
      const row = r.cells.map((m) => {
        const p = r.points.find((x) => x.k === k && x.mode === m)!;
        return `${num(p.mean, 3)} ± ${num(p.sd, 3)}  ${num(p.min, 2)}-${num(p.max, 2)}`;
      });
      const verdict = v.level
        ? 'level'
        : `${cellOf(v.worst).short} trails ${cellOf(v.best).short} by ${points(v.gap).replace(/^\+/, '')}${v.band !== null ? ` (±${points(v.band).replace(/^\+/, '')})` : ''}`;
      rows.push([k, ...row, num(r.chance.find((x) => x.k === k)!.accuracy, 3), verdict]);
    }
    this.out.print(`  Test accuracy per cell: mean ± sd over the seeds, then min-max`);
    this.out.print(
      fitTable(['k', ...labels, 'Chance', 'Verdict'], rows, this.out.width, {
        color: c.isColorSupported,
        flex: labels.length + 2,
        flexMin: 16,
      }),
    );
    const colored = c.isColorSupported;
    this.out.print(`  Test accuracy of the answer against k, the mean over ${r.seeds.length} seeds${colored ? ' (chance in grey)' : ''}`);
    // Without colour the lines cannot be told apart: one chart per cell.
    for (const group of colored ? [r.cells.map((_, i) => i)] : r.cells.map((_, i) => [i])) {
      if (!colored) this.out.print(`  ${labels[group[0]!]}`);
      this.out.print(this.accuracyChart(r, group));
    }
    if (colored) this.out.print(`  ${labels.map((l, i) => this.swatch(i, l)).join('   ')}   ${c.dim('━━ chance')}`);
    // The k where the cells part most clearly (where the gradient is shown), and the largest k.
    for (const k of new Set([r.gradient.k, r.delays[r.delays.length - 1]!]))
      this.out.print(`At k = ${k}: ${verdictSentence(r.verdicts.find((v) => v.k === k)!.verdict)}`);

    const g = r.gradient;
    this.out.print('');
    this.out.print(
      c.bold(`Gradient through time at k = ${g.k}`) +
        `: ‖∂L/∂h_t‖, L the loss of the answer at step ${g.k}, against t (log scale, geometric mean over the seeds)`,
    );
    for (const when of ['early', 'late'] as const) {
      for (const group of colored ? [g.cells.map((_, i) => i)] : g.cells.map((_, i) => [i])) {
        const who = colored ? '' : `, ${labels[group[0]!]}`;
        this.out.print(`  ${when === 'early' ? 'With the initial weights' : 'After training'}${who}`);
        this.out.print(this.gradientChart(r, when, group));
        this.out.print(`  ${' '.repeat(8)}t = 0${' '.repeat(Math.max(1, g.k * this.stretch(g.k) - 8))}t = ${g.k}`);
      }
    }
    if (colored) this.out.print(`  ${labels.map((l, i) => this.swatch(i, l)).join('   ')}`);
    const grows = g.cells.map((x) => [
      cellOf(x.mode).label,
      sci(x.earlyRatio),
      sci(x.lateRatio),
      sci(x.early.jacobian[0]!),
      sci(x.late.jacobian[0]!),
    ]);
    const ghead = ['Cell', '‖∂L/∂h_0‖ / ‖∂L/∂h_k‖ initial', 'trained', '‖∂h_k/∂h_0‖ initial', 'trained'];
    this.out.print(fitTable(ghead, grows, this.out.width, { color: c.isColorSupported }));
    this.out.print(
      `  The ratio is the share of the answer's gradient that reaches the first step, where the token to remember came in: ` +
        `1 keeps it whole, 1e-6 leaves a millionth to learn from. ${r.runs.length} runs in ${seconds(r.seconds)}.`,
    );
  }

  private swatch(i: number, label: string): string {
    return `${COLORS[i % COLORS.length]}━━${asciichart.reset} ${label}`;
  }

  /** Columns per step of the gradient chart, so a short sequence still reads. */
  private stretch(k: number): number {
    return Math.max(1, Math.floor(Math.min(this.out.width - 20, 90) / (k + 1)));
  }

  /** The means against k, k on a linear scale over the chart's width (interpolated between the measured k). */
  private accuracyChart(r: SweepResult, group: number[]): string {
    const width = Math.min(this.out.width - 16, 80);
    const k0 = r.delays[0]!,
      k1 = r.delays[r.delays.length - 1]!;
    const at = (pts: { k: number; v: number }[], k: number): number => {
      if (pts.length === 1) return pts[0]!.v;
      let i = 0;
      while (i < pts.length - 2 && pts[i + 1]!.k < k) i++;
      const a = pts[i]!,
        b = pts[i + 1]!;
      return a.v + ((b.v - a.v) * (k - a.k)) / (b.k - a.k || 1);
    };
    const cols = (pts: { k: number; v: number }[]) =>
      Array.from({ length: width }, (_, i) => at(pts, k0 + ((k1 - k0) * i) / Math.max(1, width - 1)));
    const series = group.map((i) => cols(r.points.filter((p) => p.mode === r.cells[i]).map((p) => ({ k: p.k, v: p.mean }))));
    const chance = cols(r.chance.map((x) => ({ k: x.k, v: x.accuracy })));
    const colored = this.out.color.isColorSupported;
    const colors = colored ? [...group.map((i) => COLORS[i % COLORS.length]!), asciichart.darkgray] : undefined;
    const chart = asciichart.plot(colored ? [...series, chance] : series, {
      height: 10,
      min: 0,
      max: 1,
      colors,
      format: (x: number) => x.toFixed(2).padStart(7),
    });
    const axis = ' '.repeat(9) + this.kAxis(r.delays, width);
    return `${chart}\n${axis}`;
  }

  /** The measured k under the chart's columns. */
  private kAxis(delays: number[], width: number): string {
    const k0 = delays[0]!,
      k1 = delays[delays.length - 1]!;
    const line = Array.from({ length: width + 6 }, () => ' ');
    for (const k of delays) {
      const col = Math.round(((k - k0) / Math.max(1, k1 - k0)) * (width - 1));
      const s = String(k);
      if (line.slice(col, col + s.length + 1).every((ch) => ch === ' ')) for (let i = 0; i < s.length; i++) line[col + i] = s[i]!;
    }
    return `${line.join('').trimEnd()}   k`;
  }

  private gradientChart(r: SweepResult, when: 'early' | 'late', group: number[]): string {
    const k = r.gradient.k;
    const cells = group.map((i) => r.gradient.cells[i]!);
    const w = this.stretch(k);
    const log = (v: number) => (v > 0 ? Math.log10(v) : NaN);
    const series = cells.map((x) => x[when].loss.slice(0, k + 1).flatMap((v) => Array<number>(w).fill(log(v))));
    const all = series.flat().filter(Number.isFinite);
    const colors = this.out.color.isColorSupported ? group.map((i) => COLORS[i % COLORS.length]!) : undefined;
    const lo = Math.floor(Math.min(...all)),
      hi = Math.max(lo + 1, Math.ceil(Math.max(...all)));
    // Two rows per decade (labels 1e-n, 3e-n), one over many decades, every other beyond 16: each row's label stays round.
    const decades = hi - lo;
    const height = decades <= 8 ? 2 * decades : decades <= 16 ? decades : Math.ceil(decades / 2);
    return asciichart.plot(series, {
      height,
      min: lo,
      max: decades > 16 ? lo + 2 * height : hi,
      colors,
      format: (x: number) => (10 ** x).toExponential(0).padStart(7),
    });
  }
}

/** 3.2e-5 */
function sci(v: number): string {
  return Number.isFinite(v) ? v.toExponential(1) : String(v);
}
