/**
 * `rnnscope cells`: what single hidden units of a text model track. A text coloured by one unit's
 * value at each character (a bar row beneath it without colour), the units that follow a measurable
 * quantity of the text (bracket depth, distance since an opening bracket, position in a word) with
 * their correlation, and where else in the data the unit fires most. Numbers from the model's own pass.
 */
import { Option, type Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { num } from '../../format.js';
import { cellsReport } from '../../explain/cells.js';
import { makeOutput } from '../output.js';
import { addJson, int } from '../options.js';
import { loadModelRun } from '../model-run.js';

interface CellsOpts {
  model: string;
  text?: string;
  unit?: number;
  layer?: number;
  direction?: 'forward' | 'reverse';
  json?: boolean;
}

const POS = [224, 217, 210, 203, 196]; // 256-colour backgrounds, pale to deep red
const NEG = [195, 153, 111, 69, 27]; // pale to deep blue
const RAMP = '▁▂▃▄▅▆▇█';

const show = (ch: string) => (ch === ' ' ? '␣' : ch === '\n' ? '⏎' : ch === '\t' ? '⇥' : ch);

export function registerCells(program: Command): void {
  const cmd = program
    .command('cells')
    .description(
      "what single hidden units of a text model track: a text coloured by one unit's value, units against measurable quantities, where a unit fires",
    )
    .requiredOption('--model <file>', 'a text model file from rnnscope train (--text, --text-col or --task brackets)')
    .option('--text <string>', 'the text to colour (default: the first test sequence of its task)')
    .option('--unit <k>', 'the hidden unit to show, 1-based (default: the one that tracks a quantity best)', int(1))
    .option('--layer <n>', 'the layer whose units are measured, 1-based (default: the top one)', int(1))
    .addOption(
      new Option('--direction <d>', 'the direction whose units are measured, of a bidirectional model (default forward)').choices([
        'forward',
        'reverse',
      ]),
    );
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope cells --model brackets.safetensors                          the unit that tracks depth best
  rnnscope cells --model brackets.safetensors --text "a(b[c{d}e]f)g" --unit 3
  rnnscope cells --model deep.safetensors --layer 1 --direction reverse   the first layer's reverse units`,
  );
  cmd.action(async (o: CellsOpts) => {
    const out = makeOutput(!!o.json);
    const strings = o.text === undefined ? undefined : [o.text];
    const run = await loadModelRun(o.model, { strings }, false);
    if (!run.meta.text)
      throw new ConfigError(`${o.model} reads numeric features, not text; cells shows what the units of a text model track`);
    // the data the units are measured on: the task's test split, else the text given
    const data = o.text !== undefined && run.meta.taskSpec ? (await loadModelRun(o.model, {}, false)).sequences : run.sequences;
    const shown = run.sequences[0]!;
    const mo = run.model.options;
    const L = mo.numLayers;
    if (o.layer !== undefined && o.layer > L)
      throw new ConfigError(`--layer ${o.layer} is out of range: the model has ${L} layer${L === 1 ? '' : 's'} (1 to ${L})`);
    if (o.direction === 'reverse' && !mo.bidirectional)
      throw new ConfigError('--direction reverse needs a bidirectional model; this one reads forward only');
    const at = { layer: (o.layer ?? L) - 1, direction: o.direction === 'reverse' ? 1 : 0 };
    const where = `${at.layer === L - 1 ? 'top layer' : `layer ${at.layer + 1} of ${L}`}${mo.bidirectional ? `, ${at.direction ? 'reverse' : 'forward'}` : ''}`;
    const H = mo.projSize || mo.hiddenSize;
    if (o.unit !== undefined && o.unit > H)
      throw new ConfigError(`--unit ${o.unit} is out of range: the model's ${where} has ${H} units (1 to ${H})`);
    const r = cellsReport(run.model, shown, data, { unit: o.unit === undefined ? undefined : o.unit - 1, at });
    const { unit, values, fires, correlations: listed } = r;
    const chars = Array.from(r.text);
    out.event({
      type: 'cells',
      layer: r.layer,
      direction: r.direction,
      unit,
      text: r.text,
      values,
      correlations: listed,
      fires,
      measuredOn: r.measuredOn,
    });
    if (out.json) return;
    const c = out.color;
    out.print(
      c.bold(`Unit ${unit} of ${H} (${where}) on "${chars.join('')}"`) +
        c.dim(`  (h from -1 to +1${c.isColorSupported ? ': blue below 0, red above' : ''})`),
    );
    const bg = (v: number) => {
      const k = Math.min(4, Math.floor(Math.abs(Math.max(-1, Math.min(1, v))) * 5));
      return `\x1b[30;48;5;${(v >= 0 ? POS : NEG)[k]}m`;
    };
    if (c.isColorSupported) out.print(`  ${chars.map((ch, t) => `${bg(values[t]!)}${show(ch)}\x1b[0m`).join('')}`);
    else out.print(`  ${chars.map(show).join('')}`);
    out.print(`  ${values.map((v) => RAMP[Math.round(((Math.max(-1, Math.min(1, v)) + 1) / 2) * (RAMP.length - 1))]).join('')}`);
    out.print(`  values: ${values.map((v) => num(v, 2)).join(' ')}`);
    out.print();
    out.print(
      c.bold(`Units against what can be measured in the text (Pearson r over ${listed[0]?.n ?? 0} steps of ${data.length} sequences):`),
    );
    for (const x of listed) out.print(`  unit ${String(x.unit).padStart(3)}  ${x.quantity.padEnd(17)} r = ${num(x.r, 3)}`);
    if (!listed.length) out.print('  none varies with a quantity here.');
    out.print();
    out.print(c.bold(`Where unit ${unit} fires most (the highest value in each sequence, the top ${fires.length}; the character in « »):`));
    for (const f of fires)
      out.print(
        `  ${num(f.value, 3)}  ${f.sequenceId} step ${f.t + 1}: ${[...f.before].map(show).join('')}«${show(f.char)}»${[...f.after].map(show).join('')}`,
      );
  });
}
