/**
 * The cell's equations as TeX (PyTorch's docs for nn.RNN, nn.LSTM, nn.GRU and nn.Linear + softmax),
 * and the same equations for one unit at one step with the trace's numbers written in. Nothing here
 * computes a model value: every right-hand side is a number the engine produced.
 */
import type { CellStep, Mode } from '../../../../src/internal.js';
import { f2 } from '../../../../src/format.js';

/** A number for TeX: negative ones in parentheses when they follow an operator. */
const n = (v: number): string => (f2(v).startsWith('-') ? `(${f2(v)})` : f2(v));
const lead = (v: number): string => f2(v);

export function equations(mode: Mode): string {
  const act = mode === 'rnn_relu' ? '\\operatorname{relu}' : '\\tanh';
  switch (mode) {
    case 'rnn_tanh':
    case 'rnn_relu':
      return `h_t = ${act}\\left(W_{ih}\\,x_t + b_{ih} + W_{hh}\\,h_{t-1} + b_{hh}\\right)`;
    case 'lstm':
      return [
        '\\begin{aligned}',
        'i_t &= \\sigma\\left(W_{ii}\\,x_t + b_{ii} + W_{hi}\\,h_{t-1} + b_{hi}\\right) \\\\',
        'f_t &= \\sigma\\left(W_{if}\\,x_t + b_{if} + W_{hf}\\,h_{t-1} + b_{hf}\\right) \\\\',
        'g_t &= \\tanh\\left(W_{ig}\\,x_t + b_{ig} + W_{hg}\\,h_{t-1} + b_{hg}\\right) \\\\',
        'o_t &= \\sigma\\left(W_{io}\\,x_t + b_{io} + W_{ho}\\,h_{t-1} + b_{ho}\\right) \\\\',
        'c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t \\\\',
        'h_t &= o_t \\odot \\tanh(c_t)',
        '\\end{aligned}',
      ].join('\n');
    case 'gru':
      return [
        '\\begin{aligned}',
        'r_t &= \\sigma\\left(W_{ir}\\,x_t + b_{ir} + W_{hr}\\,h_{t-1} + b_{hr}\\right) \\\\',
        'z_t &= \\sigma\\left(W_{iz}\\,x_t + b_{iz} + W_{hz}\\,h_{t-1} + b_{hz}\\right) \\\\',
        'n_t &= \\tanh\\left(W_{in}\\,x_t + b_{in} + r_t \\odot \\left(W_{hn}\\,h_{t-1} + b_{hn}\\right)\\right) \\\\',
        'h_t &= (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}',
        '\\end{aligned}',
      ].join('\n');
  }
}

export const OUTPUT_EQUATION =
  'y_t = \\operatorname{softmax}\\left(W_{\\text{head}}\\,h_t + b_{\\text{head}}\\right),\\qquad p_k = \\frac{e^{z_k}}{\\sum_m e^{z_m}}';

/** The unit's line of each equation at step `t` (1-based in the text), numbers from the trace. */
export function instance(mode: Mode, c: CellStep, t: number, j: number): string {
  const H = c.h.length;
  const a = (k: number) => c.inputPart[k * H + j]!;
  const b = (k: number) => c.hiddenPart[k * H + j]!;
  const T = `${t + 1}`;
  const rows: string[] = [];
  if (mode === 'rnn_tanh' || mode === 'rnn_relu') {
    const act = mode === 'rnn_relu' ? '\\operatorname{relu}' : '\\tanh';
    rows.push(`h_{${T},${j + 1}} &= ${act}\\left(${lead(a(0))} + ${n(b(0))}\\right) = ${lead(c.h[j]!)}`);
  } else if (mode === 'lstm') {
    const g = c.gates!;
    rows.push(`i_{${T},${j + 1}} &= \\sigma\\left(${lead(a(0))} + ${n(b(0))}\\right) = ${lead(g.i![j]!)}`);
    rows.push(`f_{${T},${j + 1}} &= \\sigma\\left(${lead(a(1))} + ${n(b(1))}\\right) = ${lead(g.f![j]!)}`);
    rows.push(`g_{${T},${j + 1}} &= \\tanh\\left(${lead(a(2))} + ${n(b(2))}\\right) = ${lead(g.g![j]!)}`);
    rows.push(`o_{${T},${j + 1}} &= \\sigma\\left(${lead(a(3))} + ${n(b(3))}\\right) = ${lead(g.o![j]!)}`);
    rows.push(`c_{${T},${j + 1}} &= ${n(g.f![j]!)} \\cdot ${n(c.cPrev![j]!)} + ${n(g.i![j]!)} \\cdot ${n(g.g![j]!)} = ${lead(c.c![j]!)}`);
    rows.push(`h_{${T},${j + 1}} &= ${n(g.o![j]!)} \\cdot \\tanh(${lead(c.c![j]!)}) = ${lead(c.h[j]!)}`);
  } else {
    const g = c.gates!;
    rows.push(`r_{${T},${j + 1}} &= \\sigma\\left(${lead(a(0))} + ${n(b(0))}\\right) = ${lead(g.r![j]!)}`);
    rows.push(`z_{${T},${j + 1}} &= \\sigma\\left(${lead(a(1))} + ${n(b(1))}\\right) = ${lead(g.z![j]!)}`);
    rows.push(`n_{${T},${j + 1}} &= \\tanh\\left(${lead(a(2))} + ${n(g.r![j]!)} \\cdot ${n(b(2))}\\right) = ${lead(g.n![j]!)}`);
    rows.push(
      `h_{${T},${j + 1}} &= (1 - ${n(g.z![j]!)}) \\cdot ${n(g.n![j]!)} + ${n(g.z![j]!)} \\cdot ${n(c.hPrev[j]!)} = ${lead(c.h[j]!)}`,
    );
  }
  return `\\begin{aligned}\n${rows.join(' \\\\\n')}\n\\end{aligned}`;
}

/** w·v + b written out term by term (at most `max` terms, then an ellipsis), equal to the engine's `value`. */
export function dot(name: string, w: readonly number[], v: readonly number[], bias: number | null, value: number, max = 6): string {
  const terms = w.map((wi, i) => `${n(wi)}\\cdot${n(v[i]!)}`);
  const shown = terms.length > max ? [...terms.slice(0, max - 2), '\\cdots', terms[terms.length - 1]!] : terms;
  return `${name} = ${shown.join(' + ')}${bias === null ? '' : ` + ${n(bias)}`} = ${lead(value)}`;
}

export function softmaxLine(st: { logits: number[]; probs: number[]; predicted: number }, classes: string[], t: number | null): string {
  const k = st.predicted;
  const denom = st.logits.map((z) => `e^{${lead(z)}}`).join(' + ');
  const where = t === null ? '' : `_{${t + 1}}`;
  const z = st.logits.map((v, i) => `z_{\\text{${tex(classes[i] ?? String(i))}}} = ${lead(v)}`).join(',\\; ');
  return `\\begin{aligned} &${z} \\\\ &p${where}(\\text{${tex(classes[k] ?? String(k))}}) = \\frac{e^{${lead(st.logits[k]!)}}}{${denom}} = ${lead(st.probs[k]!)} \\end{aligned}`;
}

/** Text safe inside \\text{}. */
function tex(s: string): string {
  return s.replace(/\\/g, '').replace(/[{}$&#^_%~]/g, (c) => `\\${c}`);
}
