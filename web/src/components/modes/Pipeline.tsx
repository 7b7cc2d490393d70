/**
 * Pipeline: the lesson's "Data Flow" with this model's stages (dataFlow), shapes on every arrow,
 * parameters per stage and the values that flow through one test sequence, with the initial or the
 * current weights. It follows the settings: cell, hidden size, layers, direction.
 */
import { session, setView, view } from '../../store.js';
import { HeatMap } from '../charts/HeatMap.js';
import { f2, shape, tidy, vec } from '../../../../src/format.js';
import type { FlowStage } from '../../../../src/internal.js';
import { Unrolled } from './Unrolled.js';
import { Notice } from '../Lesson.js';
import { predictionNotice } from '../../notice.js';
import { classNames } from './text-words.js';

function Stage({
  st,
  cls,
  features,
  chars,
  vocab,
}: {
  st: FlowStage;
  cls: string[];
  features: string[];
  chars?: string[];
  vocab?: string[];
}) {
  const last = st.name === 'Output layer';
  // Values as units x time, like the hidden-state heat map (time runs left to right).
  const cols = st.values.length;
  const rows = Array.from({ length: st.values[0]?.length ?? 0 }, (_, j) => st.values.map((r) => r[j]!));
  const rowLabel = (j: number) =>
    last
      ? (cls[j] ?? `class ${j}`)
      : st.index === 1
        ? (features[j] ?? `feature ${j + 1}`)
        : st.name === 'One-hot'
          ? (vocab?.[j] ?? `id ${j}`)
          : `unit ${j + 1}`;
  return (
    <li class="stage" data-testid={`stage-${st.index}`}>
      <div class="stage-head">
        <span class="stage-num" aria-hidden="true">
          {st.index}
        </span>
        <h3>{st.name}</h3>
        <span class="stage-shape" aria-label={`input shape ${shape(st.inShape)}, output shape ${shape(st.outShape)}`}>
          {shape(st.inShape)} → {shape(st.outShape)}
        </span>
      </div>
      <p>
        {st.description}. Out: {st.outShape.map((d, i) => `${d} ${st.outDims[i]}`).join(' x ')}.
      </p>
      {st.parameters.length > 0 && (
        <p class="params">
          {st.parameterCount} parameters:{' '}
          {st.parameters.map((p) => (
            <code>
              {p.name} {shape(p.shape)}
            </code>
          ))}
        </p>
      )}
      <p class="sample" aria-label="A sample of the values: first row, last row">
        <code>
          {st.values.length > 1
            ? `[${vec(st.values[0]!, 2, 6, tidy)}, ..., ${vec(st.values[st.values.length - 1]!, 2, 6, tidy)}]`
            : vec(st.values[0] ?? [], 2, 6, tidy)}
        </code>
      </p>
      {rows.length > 0 && rows.length <= 64 && (
        <HeatMap
          rows={rows}
          rowLabel={rowLabel}
          colLabel={(c) => (cols === 1 ? 'out' : (chars?.[c] ?? `t${c + 1}`))}
          title={`${st.name}: values for each ${cols === 1 ? 'class' : 'step'}`}
          domain={last ? 1 : undefined}
          showValues={rows.length <= 8 && cols <= 12}
          link={st.index === 1 || last ? { cols: 'step' } : { rows: 'unit', cols: 'step' }}
        />
      )}
    </li>
  );
}

export function Pipeline() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const w = view.value.weights;
  const flow = w === 'initial' ? s.flowInitial : s.flow;
  const d = s.data;
  return (
    <div class="mode-pipeline">
      <h2>Model Pipeline: why RNNs handle sequences</h2>
      <p class="lead">
        This pipeline shows how a recurrent network processes a sequence step by step: it takes the input one element at a time, remembers
        past information in its hidden state, and uses it to understand the sequence better.
      </p>
      <p>
        <strong>Task {d.name}</strong>: {d.description} {d.sizes.train + d.sizes.val + d.sizes.test} sequences of up to {d.steps} steps x{' '}
        {d.text
          ? `one ${d.text.tokenizer === 'chars' ? 'character' : 'word'} each (a vocabulary of ${d.text.vocabulary.length})`
          : `${d.features.length} features`}
        ,{d.target === 'steps' ? ' a label on every step' : ' one label per sequence'} ({d.classes.join(', ')}); split {d.sizes.train} train
        / {d.sizes.val} validation / {d.sizes.test} test.
      </p>
      <Unrolled />
      <Notice
        text={`${s.train.batchesDone ? `After ${s.train.batchesDone} batches of training: ` : 'Untrained, with random weights: '}${predictionNotice(s.trace, classNames(s))}`}
        testId="notice-pipeline"
      />
      <div class="toolbar" role="group" aria-label="Which weights">
        <span>
          Values of test sequence <code>{flow.sequenceId}</code> with
        </span>
        <button
          type="button"
          class={w === 'initial' ? 'toggle on' : 'toggle'}
          aria-pressed={w === 'initial'}
          onClick={() => setView({ weights: 'initial' })}
        >
          the initial weights
        </button>
        <button
          type="button"
          class={w === 'trained' ? 'toggle on' : 'toggle'}
          aria-pressed={w === 'trained'}
          onClick={() => setView({ weights: 'trained' })}
        >
          the current weights
        </button>
      </div>
      <h3 class="flow-title">
        Data Flow: {flow.stages.length} stages, {flow.parameterCount} parameters
      </h3>
      <ol class="flow" data-testid="flow">
        {flow.stages.map((st, i) => (
          <>
            <Stage
              st={st}
              cls={classNames(s)}
              features={d.features}
              chars={s.words?.inputs}
              vocab={s.words ? s.data.text?.vocabulary.map((_, k) => s.words!.classes[k] ?? String(k)) : undefined}
            />
            {i < flow.stages.length - 1 && (
              <li class="arrow" aria-label={`passes ${shape(st.outShape)} to the next stage`}>
                <span aria-hidden="true">↓</span> <code>{shape(st.outShape)}</code>
              </li>
            )}
          </>
        ))}
      </ol>
      {s.words ? (
        <p class="note">
          The input is one id per step ({flow.stages[0]!.values[0]![0]!} is the id of '{s.words.inputs[0]}', the first character), never
          normalised; the {flow.stages[1]!.name.toLowerCase()} stage turns it into what the first layer reads.
        </p>
      ) : (
        <p class="note">
          Numbers shown to 2 decimals ({f2(flow.stages[0]!.values[0]![0]!)} is the first input feature, normalised with the training split's
          mean and standard deviation).
        </p>
      )}
    </div>
  );
}
