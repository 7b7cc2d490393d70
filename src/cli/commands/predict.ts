/** `rnnscope predict`: a model and a data file -> predictions with probabilities, as CSV or JSON. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { predictSequences } from '../../train/infer.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import { decodeModel } from '../../io/model.js';
import type { RunMeta } from '../../io/run-meta.js';
import { predictValuesCommand } from './predict-values.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { addJson, layoutOption, type CommonOpts } from '../options.js';
import { loadModelRun } from '../model-run.js';
import { num } from '../../format.js';
import { list } from '../../data/values.js';

interface PredictOpts extends CommonOpts {
  model?: string;
  out?: string;
  format?: 'csv' | 'json';
  force?: boolean;
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description('predict the class of every step (or sequence) of a data file, with probabilities (values, for a regression model)')
    .requiredOption('--model <file>', 'a model file from rnnscope train')
    .option('--data <file>', "sequences to predict, .csv or .json (labels optional; default: the test split of the model's task)")
    .option('--id-col <name>', 'CSV column holding the sequence id')
    .option('--step-col <name>', 'CSV column holding the step (integers or dates; none: no step column)')
    .option('--label-col <name>', 'CSV column holding the label, if any')
    .option('--features <names>', 'CSV feature columns, comma-separated')
    .option('--delimiter <char>', 'CSV field separator (default ,)')
    .addOption(layoutOption())
    .option('--text-col <name>', "a text model: the --data file's column of strings (default: the one it was trained on)")
    .option('--text <strings...>', 'a text model: predict these strings, given on the command line')
    .option('--out <file>', 'write predictions here (default: standard output)')
    .addOption(new Option('--format <fmt>', "csv or json (default: from --out's extension, else csv)").choices(['csv', 'json']))
    .option('--force', 'overwrite --out if it exists');
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope predict --model model.safetensors                         the task's test split, CSV to stdout
  rnnscope predict --model my.safetensors --data new.csv --out predictions.csv
  rnnscope predict --model names.safetensors --text Maria Jonas       a text model on strings`,
  );
  cmd.action(async (o: PredictOpts) => {
    const out = makeOutput(!!o.json);
    const format = o.format ?? (o.out?.toLowerCase().endsWith('.json') ? 'json' : 'csv');
    if (o.out && existsSync(o.out) && !o.force) throw new ConfigError(`${o.out} already exists; pass --force to overwrite it`);
    const head = decodeModel(await readModelBytes(o.model!), o.model!);
    if ((head.meta as RunMeta).regression) return predictValuesCommand(head.model, head.meta as RunMeta, o, out);
    const strings = o.text as unknown as string[] | undefined; // here, strings to predict (train's --text is a file)
    const run = await loadModelRun(o.model!, { ...o, text: undefined, strings }, false);
    const preds = predictSequences(run.model, run.sequences);
    const labelled = preds.filter((p) => p.target >= 0);
    const correct = labelled.filter((p) => p.predicted === p.target).length;
    const cls = run.classes;
    const steps = run.model.options.headOn === 'steps';
    // The file's own step values, so predictions join back to its rows; without a step column, 1, 2, ...
    const stepsOf = new Map(run.sequences.map((q) => [q.id, q.steps]));
    const records = preds.map((p) => ({
      id: p.id,
      ...(steps ? { step: stepValue(stepsOf.get(p.id)?.[p.t]) ?? p.t + 1 } : {}),
      predicted: cls[p.predicted],
      ...Object.fromEntries(cls.map((c, k) => [`p_${c}`, Number(p.probs[k]!.toFixed(6))])),
      ...(labelled.length ? { label: p.target >= 0 ? cls[p.target] : '' } : {}),
    }));
    const text =
      format === 'json' ? JSON.stringify({ classes: cls, predictions: records }, null, 1) + '\n' : stringify(records, { header: true });
    const unused = run.unused ?? [];
    const summary = {
      type: 'predictions',
      ignoredColumns: unused,
      sequences: run.sequences.length,
      rows: preds.length,
      labelled: labelled.length,
      accuracy: labelled.length ? correct / labelled.length : null,
      out: o.out ?? null,
    };
    if (o.out) await writeFileAtomic(o.out, new TextEncoder().encode(text), { force: o.force });
    if (out.json) {
      if (!o.out) for (const r of records) out.event({ type: 'prediction', ...r });
      out.event(summary);
      return;
    }
    if (!o.out) process.stdout.write(text);
    if (unused.length)
      process.stderr.write(
        `Ignored ${unused.length === 1 ? 'column' : 'columns'} ${list(unused)} of ${run.source}: the model uses ${list(run.meta.features ?? [])}.\n`,
      );
    const acc = labelled.length
      ? `; accuracy ${num(correct / labelled.length, 3)} on ${labelled.length} labelled ${steps ? 'steps' : 'sequences'}`
      : '';
    process.stderr.write(
      `${preds.length} predictions for ${run.sequences.length} sequences of ${run.source}${acc}${o.out ? `; written to ${o.out}` : ''}.\n`,
    );
  });
}

/** A step as the file wrote it: integers as numbers, dates as text. */
function stepValue(text: string | undefined): number | string | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : text;
}
