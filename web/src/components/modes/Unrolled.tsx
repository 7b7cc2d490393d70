/**
 * The network unrolled over time, drawn from the model's real shapes: x_t into the cell, h_t carried
 * to the next step, the head on each step (or on the last). It is also the way in: a cell opens the
 * step-through at its step, a weight arrow shows its matrix, an output shows its probabilities. The
 * cells are coloured by this sequence's h_t, so the picture changes as the model learns.
 */
import { useState } from 'preact/hooks';
import { cellInfo } from '../../../../src/nn/cells/index.js';
import { f2, shape } from '../../../../src/format.js';
import { hover, session, setView } from '../../store.js';
import { diverging } from '../charts/color.js';
import { HeatMap } from '../charts/HeatMap.js';
import { Bars } from '../charts/Bars.js';
import { Term } from '../Lesson.js';
import { classNames, inputChar } from './text-words.js';

type Pick = { kind: 'weight'; name: string } | { kind: 'out'; t: number } | null;

const COL = 74;
const LEFT = 118;
const Y = { out: 26, cell: 118, x: 214 };
const BOX = { w: 50, h: 34 };

function press(f: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      f();
    }
  };
}

export function Unrolled() {
  const s = session.value!;
  const [pick, setPick] = useState<Pick>(null);
  const tr = s.trace;
  const T = tr.steps.length;
  const o = s.model.options;
  const info = cellInfo(o.mode);
  const perStep = !!tr.steps[0]?.probs;
  const classes = classNames(s);
  // Long sequences: the first steps and the last, with a gap between.
  const shown = T <= 10 ? [...Array(T).keys()] : [0, 1, 2, 3, 4, -1, T - 4, T - 3, T - 2, T - 1];
  const W = LEFT + shown.length * COL + 10;
  const H = 250;
  const tensor = (name: string) => s.model.tensors.find((t) => t.name === name);
  const wih = tensor('rnn.weight_ih_l0');
  const whh = tensor('rnn.weight_hh_l0');
  const head = tensor('head.weight');
  const hv = hover.value.step;
  const top = tr.steps[0]!.cells.length - (o.bidirectional ? 2 : 1);
  const color = diverging(1);
  const x = (i: number) => LEFT + i * COL + COL / 2;
  const arrowLabel = (name: string, sh: number[] | undefined) => `${name} ${sh ? shape(sh) : ''}`;
  const weightButton = (name: string, label: string, lx: number, ly: number, testId: string) => (
    <g
      role="button"
      tabIndex={0}
      class="pic-weight"
      data-testid={testId}
      aria-label={`show the matrix ${label}`}
      onClick={() => setPick({ kind: 'weight', name })}
      onKeyDown={press(() => setPick({ kind: 'weight', name }))}
    >
      <rect
        x={lx - 4}
        y={ly - 13}
        width={label.length * 7.9 + 8}
        height={18}
        rx={4}
        class={pick?.kind === 'weight' && pick.name === name ? 'pic-chip on' : 'pic-chip'}
      />
      <text x={lx} y={ly} class="pic-label">
        {label}
      </text>
    </g>
  );
  const w = pick?.kind === 'weight' ? s.weights?.[pick.name] : undefined;
  const wShape = pick?.kind === 'weight' ? tensor(pick.name)?.shape : undefined;
  return (
    <section class="unrolled" aria-labelledby="unrolled-title">
      <h3 id="unrolled-title">
        The network unrolled over {T} steps: one {info.short} cell, used at every step
      </h3>
      <p class="muted small">
        Click a cell to step through it, a weight label to see its matrix, an output to see its probabilities. The cells' colours are this
        sequence's <Term k="hidden state" /> h_t ({o.hiddenSize} units{o.hiddenSize > 16 ? ', the first 16 shown' : ''}).
      </p>
      <div class="scroll-x" tabIndex={0} role="group" aria-label="The unrolled network">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          width={W}
          height={H}
          class="unrolled-svg"
          data-testid="unrolled"
          aria-label={`The ${info.short} unrolled over ${T} steps`}
        >
          <defs>
            <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#3d4754" />
            </marker>
          </defs>
          {/* h_0 */}
          <text x={56} y={Y.cell - 8} class="pic-label">
            h_0 = 0
          </text>
          <line x1={56} y1={Y.cell} x2={x(0) - BOX.w / 2 - 2} y2={Y.cell} class="pic-arrow" marker-end="url(#arrowhead)" />
          {shown.map((t, i) => {
            if (t < 0)
              return (
                <text x={x(i)} y={Y.cell + 5} text-anchor="middle" class="pic-label">
                  …
                </text>
              );
            const st = tr.steps[t]!;
            const h = st.cells[top]!.h;
            const k = Math.min(16, h.length);
            const out = perStep ? st : t === T - 1 && tr.final ? tr.final : null;
            const hl = hv === t;
            return (
              <g data-step={t}>
                {/* x_t -> cell */}
                <text x={x(i)} y={Y.x + 24} text-anchor="middle" class="pic-label">
                  {inputChar(s, t) === null ? `x_${t + 1}` : `'${inputChar(s, t)}'`}
                </text>
                <line x1={x(i)} y1={Y.x + 8} x2={x(i)} y2={Y.cell + BOX.h / 2 + 2} class="pic-arrow" marker-end="url(#arrowhead)" />
                {/* the cell */}
                <g
                  role="button"
                  tabIndex={0}
                  class={hl ? 'pic-cell hl' : 'pic-cell'}
                  data-testid={`pic-cell-${t}`}
                  aria-label={`step ${t + 1}: open the step-through here`}
                  onClick={() => setView({ mode: 'step', step: t })}
                  onKeyDown={press(() => setView({ mode: 'step', step: t }))}
                  onMouseEnter={() => (hover.value = { ...hover.peek(), step: t })}
                  onMouseLeave={() => (hover.value = { ...hover.peek(), step: null })}
                >
                  <rect x={x(i) - BOX.w / 2} y={Y.cell - BOX.h / 2} width={BOX.w} height={BOX.h} rx={6} class="pic-box" />
                  {Array.from({ length: k }, (_, u) => (
                    <rect
                      x={x(i) - BOX.w / 2 + 4 + (u * (BOX.w - 8)) / k}
                      y={Y.cell - BOX.h / 2 + 4}
                      width={(BOX.w - 8) / k}
                      height={BOX.h - 8}
                      fill={color(h[u]!)}
                    />
                  ))}
                </g>
                {/* h_t -> the next step */}
                {i < shown.length - 1 && (
                  <line
                    x1={x(i) + BOX.w / 2}
                    y1={Y.cell}
                    x2={x(i + 1) - BOX.w / 2 - 2}
                    y2={Y.cell}
                    class="pic-arrow"
                    marker-end="url(#arrowhead)"
                    marker-start={o.bidirectional ? 'url(#arrowhead)' : undefined}
                  />
                )}
                {/* head -> output */}
                {out && (
                  <>
                    <line x1={x(i)} y1={Y.cell - BOX.h / 2} x2={x(i)} y2={Y.out + 18} class="pic-arrow" marker-end="url(#arrowhead)" />
                    <g
                      role="button"
                      tabIndex={0}
                      class="pic-out"
                      data-testid={`pic-out-${t}`}
                      onClick={() => setPick({ kind: 'out', t })}
                      onKeyDown={press(() => setPick({ kind: 'out', t }))}
                    >
                      <rect
                        x={x(i) - BOX.w / 2 - 4}
                        y={Y.out - 14}
                        width={BOX.w + 8}
                        height={30}
                        rx={5}
                        class={`pic-outbox${out.target! < 0 ? '' : out.predicted === out.target ? ' right' : ' wrong'}${pick?.kind === 'out' && pick.t === t ? ' on' : ''}`}
                      />
                      <text x={x(i)} y={Y.out - 1} text-anchor="middle" class="pic-small">
                        {classes[out.predicted!]}
                      </text>
                      <text x={x(i)} y={Y.out + 12} text-anchor="middle" class="pic-small">
                        {f2(out.probs![out.predicted!]!)}
                      </text>
                    </g>
                  </>
                )}
              </g>
            );
          })}
          {/* The weights, shared by every step, in the margin beside the arrows they act on. */}
          {weightButton('head.weight', arrowLabel('head', head?.shape), 6, Y.out + 48, 'pic-w-head')}
          {weightButton('rnn.weight_hh_l0', arrowLabel('W_hh', whh?.shape), 6, Y.cell + BOX.h / 2 + 18, 'pic-w-hh')}
          {weightButton('rnn.weight_ih_l0', arrowLabel('W_ih', wih?.shape), 6, Y.x - 6, 'pic-w-ih')}
        </svg>
      </div>
      {pick?.kind === 'weight' && (
        <div class="pic-detail" data-testid="pic-detail">
          {w && wShape && wShape.length === 2 ? (
            <HeatMap
              rows={Array.from({ length: wShape[0]! }, (_, r) => w.slice(r * wShape[1]!, (r + 1) * wShape[1]!))}
              rowLabel={(r) => `row ${r + 1}`}
              colLabel={(c) => `${c + 1}`}
              title={`${pick.name} ${shape(wShape)}: this model's weights now`}
              testId="pic-matrix"
            />
          ) : (
            <p class="muted">This model is too large to ship its weights to the page each update ({s.model.parameters} parameters).</p>
          )}
        </div>
      )}
      {pick?.kind === 'out' &&
        (() => {
          const st = tr.steps[pick.t]!;
          const out = st.probs ? { probs: st.probs, predicted: st.predicted! } : tr.final!;
          return (
            <div class="pic-detail" data-testid="pic-detail">
              <Bars
                title={`Step ${pick.t + 1}: softmax of the head's logits`}
                testId="pic-probs"
                bars={out.probs.map((p, k) => ({
                  label: classes[k] ?? `class ${k}`,
                  value: p,
                  color: k === out.predicted ? '#1f5fa8' : '#6b7a8c',
                }))}
                format={f2}
              />
            </div>
          );
        })()}
    </section>
  );
}
