/** `rnnscope predict`: a model and a data file -> predictions with probabilities, as CSV or JSON. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { predictSequences } from '../../train/infer.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import { decodeModel } from '../../io/model.js';
import type { RunMeta } from '../../io/run-meta.js';
import { predictValuesCommand } from './predict-values.js';
import { checkOutPath } from '../out-path.js';
import { makeOutput, type Output } from '../output.js';
import { predictStreamed, type StreamSummary } from '../predict-stream.js';
import { recordMaker } from '../predict-format.js';
import { addJson, layoutOption, threadCount, type CommonOpts } from '../options.js';
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
    .option('--force', 'overwrite --out if it exists')
    .option(
      '--threads <n>',
      'threads for a large CSV: 1, 2, or auto (default: 2 on two cores or more; the same output either way)',
      threadCount,
    );
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
    if (o.out) checkOutPath(o.out, { force: !!o.force });
    const head = decodeModel(await readModelBytes(o.model!), o.model!);
    if ((head.meta as RunMeta).regression) return predictValuesCommand(head.model, head.meta as RunMeta, o, out);
    const cls = (head.meta as RunMeta).classes ?? Array.from({ length: head.model.options.numClasses }, (_, i) => String(i));
    const steps = head.model.options.headOn === 'steps';
    const plan = { classes: cls, steps, format } as const;
    const recordOf = recordMaker({ ...plan, classes: cls });
    const strings = o.text as unknown as string[] | undefined; // here, strings to predict (train's --text is a file)
    // a CSV file as a stream (flat memory); the rest, and every fault, as a whole below
    const streamed =
      (out.json && !o.out) || strings ? null : await predictStreamed(head.model, head.meta as RunMeta, o, { ...plan, classes: cls });
    if (streamed) return summarize(streamed, o, out, steps, o.data!, (head.meta as RunMeta).features ?? []);
    const run = await loadModelRun(o.model!, { ...o, text: undefined, strings }, false);
    const preds = predictSequences(run.model, run.sequences);
    const labelled = preds.filter((p) => p.target >= 0);
    const stepsOf = new Map(run.sequences.map((q) => [q.id, q.steps]));
    const records = preds.map((p) => recordOf(p, stepsOf.get(p.id), labelled.length > 0));
    const text =
      format === 'json' ? JSON.stringify({ classes: cls, predictions: records }, null, 1) + '\n' : stringify(records, { header: true });
    if (o.out) await writeFileAtomic(o.out, new TextEncoder().encode(text), { force: o.force });
    if (out.json && !o.out) for (const r of records) out.event({ type: 'prediction', ...r });
    if (!out.json && !o.out) process.stdout.write(text);
    const correct = labelled.filter((p) => p.predicted === p.target).length;
    const done = {
      sequences: run.sequences.length,
      rows: preds.length,
      labelled: labelled.length,
      correct,
      unused: run.unused ?? [],
      threads: 1,
    };
    summarize(done, o, out, steps, run.source, run.meta.features ?? []);
  });
}

/** The summary: a JSON event, or a line on stderr (and the columns the model left aside). */
function summarize(d: StreamSummary, o: PredictOpts, out: Output, steps: boolean, source: string, features: string[]): void {
  const accuracy = d.labelled ? d.correct / d.labelled : null;
  if (out.json) {
    out.event({
      type: 'predictions',
      ignoredColumns: d.unused,
      sequences: d.sequences,
      rows: d.rows,
      labelled: d.labelled,
      accuracy,
      out: o.out ?? null,
      threads: d.threads,
    });
    return;
  }
  if (d.unused.length)
    process.stderr.write(
      `Ignored ${d.unused.length === 1 ? 'column' : 'columns'} ${list(d.unused)} of ${source}: the model uses ${list(features)}.\n`,
    );
  const acc = accuracy !== null ? `; accuracy ${num(accuracy, 3)} on ${d.labelled} labelled ${steps ? 'steps' : 'sequences'}` : '';
  process.stderr.write(`${d.rows} predictions for ${d.sequences} sequences of ${source}${acc}${o.out ? `; written to ${o.out}` : ''}.\n`);
}
