/** `rnnscope inspect`: what a model file holds: config, tensors, metadata and training history. */
import type { Command } from 'commander';
import { fitTable } from '../layout.js';
import { readSafetensorsHeader } from '../../io/safetensors.js';
import { decodeModel } from '../../io/model.js';
import { readModelBytes } from '../../io/model-file.js';
import { makeOutput } from '../output.js';
import { describeModel } from '../render.js';
import { addJson } from '../options.js';
import { num, shape } from '../../format.js';
import type { RunMeta } from '../../io/run-meta.js';
import type { EpochRecord } from '../../train/events.js';

export function registerInspect(program: Command): void {
  const cmd = program
    .command('inspect')
    .description('show what a model file holds: config, tensor names and shapes, classes, history')
    .argument('<file>', 'a .safetensors model file');
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope inspect model.safetensors
  rnnscope inspect model.safetensors --json`,
  );
  cmd.action(async (file: string, o: { json?: boolean }) => {
    const out = makeOutput(!!o.json);
    const bytes = await readModelBytes(file);
    const { model, meta: m } = decodeModel(bytes, file);
    const meta = m as RunMeta;
    const tensors = [...readSafetensorsHeader(bytes, file).tensors.values()].map((t) => ({
      name: t.name,
      shape: t.shape,
      dtype: t.dtype,
      count: t.shape.reduce((a, d) => a * d, 1),
    }));
    // Format 2 keeps a checkpoint's optimizer state as tensors optimizer.<buffer>.<parameter>: listed apart.
    const weights = tensors.filter((t) => !t.name.startsWith('optimizer.'));
    const optimizerTensors = tensors.length - weights.length;
    const history = (meta.history ?? []) as EpochRecord[];
    out.event({
      type: 'inspect',
      file,
      bytes: bytes.length,
      config: model.options,
      parameters: model.parameterCount,
      tensors,
      meta: { ...meta, history: undefined, checkpoint: meta.checkpoint ? { epoch: meta.checkpoint.epoch } : undefined },
      history,
    });
    if (out.json) return;
    const c = out.color;
    out.print(c.bold(`${file}`) + ` (${bytes.length} bytes, safetensors)`);
    out.print(`Model: ${describeModel(model.options)}, ${model.parameterCount} parameters.`);
    const mo = model.options;
    out.print(
      `Config: mode ${mo.mode}, inputSize ${mo.inputSize}, hiddenSize ${mo.hiddenSize}, numLayers ${mo.numLayers}, bias ${mo.bias}, batchFirst ${mo.batchFirst}, dropout ${mo.dropout}, bidirectional ${mo.bidirectional}, projSize ${mo.projSize}, numClasses ${mo.numClasses}, headBias ${mo.headBias}, headOn ${mo.headOn}`,
    );
    if (meta.classes && meta.text?.kind !== 'next') out.print(`Classes: ${meta.classes.join(', ')}`);
    if (meta.text) {
      const shown = (meta.text.vocabulary ?? []).map((t) => (t === ' ' ? '␣' : t === '\n' ? '⏎' : t === '\t' ? '⇥' : t));
      out.print(
        `Text: ${meta.text.kind === 'next' ? 'predicts the next token' : `classifies the column "${meta.text.column}"`}, ${meta.text.tokenizer}; vocabulary of ${shown.length} (ids in order, <unk> for any other): ${shown.join(' ')}`,
      );
    }
    if (meta.features) out.print(`Features: ${meta.features.join(', ')}`);
    if (meta.normalization)
      out.print(
        `Normalisation (from the training split): mean ${meta.normalization.mean.map((v) => num(v, 3)).join(', ')}; std ${meta.normalization.std.map((v) => num(v, 3)).join(', ')}`,
      );
    if (meta.taskSpec) out.print(`Trained on: built-in task ${meta.taskSpec.name}, seed ${meta.taskSpec.seed}`);
    else if (meta.dataFile) out.print(`Trained on: ${meta.dataFile}`);
    const rows = weights.map((x) => [x.name, shape(x.shape), x.count, x.dtype]);
    out.print(fitTable(['Tensor', 'Shape', 'Values', 'dtype'], rows, out.width, { color: c.isColorSupported }));
    const cp = meta.checkpoint;
    if (cp && optimizerTensors > 0) {
      const names = Object.keys(cp.optimizer.buffers);
      out.print(
        `Checkpoint for --resume: epoch ${cp.epoch}, ${cp.optimizer.kind} step ${cp.optimizer.step}; its state (${names.join(', ')}) is in ${optimizerTensors} tensors optimizer.<state>.<parameter>.`,
      );
    }
    if (history.length) {
      const hrows = history.map((e) => [e.epoch, num(e.loss, 4), num(e.trainAccuracy, 3), num(e.valAccuracy, 3), String(e.lr)]);
      const last = history.at(-1)!.epoch;
      out.print(
        history.length === last
          ? 'Training history:'
          : `Training history (${history.length} of ${last} epochs: the file keeps the latest in full and fewer, evenly spaced, before them):`,
      );
      out.print(fitTable(['Epoch', 'Loss', 'Train acc', 'Held-out acc', 'lr'], hrows, out.width, { color: c.isColorSupported }));
    }
  });
}
