/**
 * Step-through: the prediction trace of one test sequence, a step at a time (the lesson's "Prediction
 * Trace"): the input x_t, both halves of the pre-activation, the gates, h_t (and c_t), the output
 * layer's probabilities, and the hidden state over the whole sequence as a heat map.
 */
import { cellInfo } from '../../../../src/nn/cells/index.js';
import { session, setStep } from '../../store.js';
import { BiNote, Notice, Term } from '../Lesson.js';
import { MemorySwitch } from './MemorySwitch.js';
import { hiddenNotice, predictionNotice } from '../../notice.js';
import { Vector } from '../charts/Vector.js';
import { HeatMap } from '../charts/HeatMap.js';
import { Bars } from '../charts/Bars.js';
import { StepControls } from './StepControls.js';
import { currentStep, perGate } from './trace-view.js';
import { classNames, inputChar } from './text-words.js';
import { f2 } from '../../../../src/format.js';
import type { PredictionTrace } from '../../../../src/internal.js';

export function Outputs({ trace, t, classes }: { trace: PredictionTrace; t: number; classes: string[] }) {
  const st = trace.steps[t]!;
  const out = st.probs
    ? { probs: st.probs, predicted: st.predicted!, target: st.target! }
    : t === trace.steps.length - 1 && trace.final
      ? trace.final
      : null;
  if (!out) return <p class="muted">The output layer reads only the last step of this sequence (one label per sequence).</p>;
  // many classes (a language model's characters): the five most likely, as the trace gives them
  const shown = st.top && st.probs ? st.top.map((x) => x.k) : out.probs.map((_, k) => k);
  const verdict =
    out.target < 0 ? 'no label here' : out.predicted === out.target ? `true ${classes[out.target]} ✓` : `true ${classes[out.target]} ✗`;
  return (
    <div data-testid="outputs" data-values={JSON.stringify(out.probs)}>
      <Bars
        title={`softmax(head(h_${t + 1})): predicted ${classes[out.predicted]}, ${verdict}${shown.length < out.probs.length ? ` (the ${shown.length} most likely of ${out.probs.length})` : ''}`}
        bars={shown.map((k) => ({
          label: classes[k] ?? `class ${k}`,
          value: out.probs[k]!,
          color: k === out.predicted ? '#1f5fa8' : '#6b7a8c',
        }))}
        format={f2}
      />
    </div>
  );
}

/** A text model's input: the sequence's characters, this step's marked, and how the id is read. */
function InputText({ chars, t, oneHot, id }: { chars: string[]; t: number; oneHot: boolean; id: number }) {
  return (
    <div class="text-input" data-testid="input-text">
      <p class="text-strip" aria-label={`the text, step ${t + 1} of ${chars.length} marked`}>
        {chars.map((ch, k) => (
          <button type="button" class={k === t ? 'char on' : 'char'} onClick={() => setStep(k)} aria-label={`step ${k + 1}: ${ch}`}>
            {ch}
          </button>
        ))}
      </p>
      <p>
        x_{t + 1} = <strong data-testid="input-char">{chars[t]}</strong>, id {id}, read as{' '}
        {oneHot ? 'a one-hot vector (a 1 at its id)' : 'its row of the embedding'}.
      </p>
    </div>
  );
}

export function StepThrough() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const tr = s.trace;
  const { t, ci, st, cell, gates } = currentStep(tr);
  const n = gates?.length ?? 1;
  const prev = t === 0 ? 'h_0 (the initial state, zeros)' : `h_${t}`;
  const hRows = Array.from({ length: cell.h.length }, (_, u) => tr.steps.map((x) => x.cells[ci]!.h[u]!));
  const cRows = cell.c ? Array.from({ length: cell.c.length }, (_, u) => tr.steps.map((x) => x.cells[ci]!.c![u]!)) : null;
  const dir = cell.direction ? ' (reverse direction: it reads the sequence from the end)' : '';
  return (
    <div class="mode-step">
      <h2>Prediction Trace: step by step</h2>
      <StepControls />
      <MemorySwitch />
      <Notice text={`${predictionNotice(tr, classNames(s))} ${hiddenNotice(tr, ci)}`} testId="notice-step" />
      <div class="trace-grid">
        <section class="trace-card" aria-labelledby="tc-input">
          <h3 id="tc-input">Input at time step {t + 1}</h3>
          {s.words && <InputText chars={s.words.inputs} t={t} oneHot={!s.model.options.embeddingDim} id={st.x[0]!} />}
          {!s.words && (
            <Vector
              label={`x_${t + 1}`}
              description={`the input features at step ${t + 1}, normalised`}
              values={st.x}
              domain={3}
              testId="x"
              names={s.data.features}
            />
          )}
        </section>
        <section class="trace-card" aria-labelledby="tc-cell">
          <h3 id="tc-cell">
            {cellInfo(tr.mode).short} cell update at time step {t + 1}
            {s.model.options.numLayers > 1 ? `, layer ${cell.layer + 1}` : ''}
            {dir}
          </h3>
          <p class="muted small">
            Each row below is one vector; the <Term k="pre-activation" /> is split into its input half and its hidden half (what memory
            adds).
          </p>
          <Vector label={prev.split(' ')[0]!} description={`the state it starts from: ${prev}`} values={cell.hPrev} testId="h-prev" units />
          {cell.cPrev && (
            <Vector
              label={t === 0 ? 'c_0' : `c_${t}`}
              description="the cell state it starts from"
              values={cell.cPrev}
              domain={2}
              testId="c-prev"
              units
            />
          )}
          {perGate(cell.inputPart, n).map((part, k) => (
            <Vector
              label={gates ? `W_i${gates[k]!.name} x + b` : `W_ih x_${t + 1} + b_ih`}
              description={gates ? `input half of the ${gates[k]!.label}'s pre-activation` : 'the input half of the pre-activation'}
              values={part}
              domain={3}
              testId={`input-part-${k}`}
              units
            />
          ))}
          {perGate(cell.hiddenPart, n).map((part, k) => (
            <Vector
              label={gates ? `W_h${gates[k]!.name} h + b` : `W_hh h_${t} + b_hh`}
              description={gates ? `hidden half of the ${gates[k]!.label}'s pre-activation` : 'the hidden half: what memory adds'}
              values={part}
              domain={3}
              testId={`hidden-part-${k}`}
              units
            />
          ))}
          {gates &&
            cell.gates &&
            gates.map((g) => (
              <Vector
                label={`${g.name}_${t + 1}`}
                description={`the ${g.label}`}
                values={cell.gates![g.name]!}
                testId={`gate-${g.name}`}
                units
              />
            ))}
          {cell.c && <Vector label={`c_${t + 1}`} description="the new cell state" values={cell.c} domain={2} testId="c" units />}
          <Vector label={`h_${t + 1}`} description={`the new hidden state at step ${t + 1}`} values={cell.h} testId="h" units />
        </section>
        <section class="trace-card" aria-labelledby="tc-out">
          <h3 id="tc-out">Output layer at time step {t + 1}</h3>
          <p class="muted small">
            The head turns h into <Term k="logits" />, then <Term k="softmax" /> into probabilities.
          </p>
          <Outputs trace={tr} t={t} classes={classNames(s)} />
          <BiNote />
          <p class="muted">
            Right on {tr.correct} of {tr.counted} labelled {s.data.target === 'steps' ? 'steps' : 'sequences'} of this sequence.
          </p>
        </section>
      </div>
      <HeatMap
        rows={hRows}
        rowLabel={(u) => `unit ${u + 1}`}
        colLabel={(c) => inputChar(s, c) ?? `${c + 1}`}
        highlight={t}
        onSelect={setStep}
        domain={1}
        title={`Hidden state h_t over time (units x steps; click a column to go to its step)`}
        testId="h-heatmap"
        link={{ rows: 'unit', cols: 'step' }}
      />
      {cRows && (
        <HeatMap
          rows={cRows}
          rowLabel={(u) => `unit ${u + 1}`}
          colLabel={(c) => inputChar(s, c) ?? `${c + 1}`}
          highlight={t}
          onSelect={setStep}
          title="Cell state c_t over time (LSTM)"
          testId="c-heatmap"
          link={{ rows: 'unit', cols: 'step' }}
        />
      )}
      <p class="note">
        Each box shows a value to 2 decimals<span class="hover-only">; hover for all digits</span>. {f2(cell.h[0]!)} in the first box of h_
        {t + 1} is unit 1 of the hidden state after step {t + 1}.
      </p>
    </div>
  );
}
