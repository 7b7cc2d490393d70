/**
 * `rnnscope generate`: a sample from a language model (a model of `rnnscope train --text` or
 * `--task brackets`), written to the terminal token by token as it is drawn. The prime sets the state
 * first; the same seed gives the same text. It never draws <pad> or <unk>, which are not text.
 */
import type { Command } from 'commander';
import { decodeModel } from '../../io/model.js';
import { readModelBytes } from '../../io/model-file.js';
import type { RunMeta } from '../../io/run-meta.js';
import { sample } from '../../nn/sample.js';
import { UNK_ID } from '../../data/text.js';
import { primeIds } from '../../explain/text-view.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { addJson, float, int } from '../options.js';
import { vocabularyOf } from '../text-run.js';

interface GenerateOpts {
  model: string;
  prime?: string;
  length?: number;
  temperature?: number;
  topK?: number;
  seed?: number;
  json?: boolean;
}

export function registerGenerate(program: Command): void {
  const cmd = program
    .command('generate')
    .description(
      'generate text from a language model (rnnscope train --text, or --task brackets), streamed as it is drawn (never <pad> or <unk>)',
    )
    .requiredOption('--model <file>', 'a language model file from rnnscope train')
    .option('--prime <text>', "text that sets the state first; the sample follows it (default: the training text's commonest token)")
    .option('--length <n>', 'tokens to generate (default 200)', int(1, 1_000_000))
    .option('--temperature <t>', 'below 1 sharper, above 1 flatter; 0 always takes the most likely token (default 1)', float(0, 100))
    .option('--top-k <k>', 'draw only among the k most likely tokens (default 0: all)', int(0))
    .option('--seed <n>', 'seed of the draws: the same seed gives the same text (default 0)', int(0, 2 ** 31 - 1));
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope generate --model book.safetensors --prime "The " --length 300
  rnnscope generate --model book.safetensors --temperature 0.5 --top-k 5 --seed 3
  rnnscope generate --model brackets.safetensors --prime "a([" --temperature 0`,
  );
  cmd.action(async (o: GenerateOpts) => {
    const out = makeOutput(!!o.json);
    const { model, meta: m } = decodeModel(await readModelBytes(o.model), o.model);
    const meta = m as RunMeta;
    if (!meta.text || meta.text.kind !== 'next')
      throw new ConfigError(
        `${o.model} is not a language model (it ${meta.text ? 'classifies texts' : 'reads numeric features'}); generate needs one from rnnscope train --text FILE or --task brackets`,
      );
    const vocab = vocabularyOf(meta.text);
    const prime = o.prime ?? vocab.tokens[2]!;
    const ids = primeIds(vocab, prime);
    const length = o.length ?? 200;
    const sep = vocab.tokenizer === 'chars' ? '' : ' ';
    out.event({ type: 'generate', prime, length, temperature: o.temperature ?? 1, topK: o.topK ?? 0, seed: o.seed ?? 0 });
    if (!out.json) process.stdout.write(out.color.dim(prime));
    const made: string[] = [];
    for (const s of sample(model, { prime: ids, length, temperature: o.temperature, topK: o.topK, seed: o.seed, exclude: [0, UNK_ID] })) {
      const token = vocab.tokens[s.id]!;
      made.push(token);
      if (out.json) out.event({ type: 'token', id: s.id, token, p: s.probs[s.id] });
      else process.stdout.write(sep + token);
    }
    out.event({ type: 'generated', text: made.join(sep) });
    if (!out.json) process.stdout.write('\n');
  });
}
