#!/usr/bin/env node
/**
 * The rnnscope command line. With no command it runs the main job: train the reference pipeline and
 * show its data flow, training trace, prediction trace and key insight.
 */
import { Command, CommanderError } from 'commander';
import { RnnscopeError } from '../errors.js';
import { registerTour } from './commands/tour.js';
import { registerTrain } from './commands/train.js';
import { registerPredict } from './commands/predict.js';
import { registerTrace } from './commands/trace.js';
import { registerFlow } from './commands/flow.js';
import { registerCompare } from './commands/compare.js';
import { registerInspect } from './commands/inspect.js';
import { registerQuiz } from './commands/quiz.js';
import { registerServe } from './commands/serve.js';
import { versionText } from './version.js';
import { registerForecast } from './commands/forecast.js';
import { dropWritesAfterEpipe } from './pipe.js';
import { registerGenerate } from './commands/generate.js';
import { registerCells } from './commands/cells.js';
import { registerExport } from './commands/export.js';

export function buildProgram(): Command {
  const program = new Command('rnnscope')
    .description("Train, run and understand recurrent networks (RNN, LSTM, GRU) with PyTorch's semantics.")
    .version(versionText())
    .exitOverride()
    // commander's usage errors in the form of the others: one line, "rnnscope: ...", with the hint on it
    .configureOutput({ outputError: (text, write) => write(`${usageLine(text)}\n`) })
    .configureHelp({ sortOptions: false, showGlobalOptions: false });
  registerTour(program);
  registerTrain(program);
  registerPredict(program);
  registerForecast(program);
  registerTrace(program);
  registerFlow(program);
  registerCompare(program);
  registerInspect(program);
  registerExport(program);
  registerQuiz(program);
  registerServe(program);
  registerGenerate(program);
  registerCells(program);
  program.addHelpText(
    'after',
    `
Examples:
  rnnscope                                  train the reference pipeline and show every view
  rnnscope --cell lstm --hidden 16 --seed 3 the same with an LSTM, another seed
  rnnscope train --task delay --delay 8 --cell gru --out gru.safetensors
  rnnscope <command> --help                 options of one command`,
  );
  return program;
}

/** One line from commander's "error: ..." message: our prefix, the hint to --help on the same line. */
function usageLine(text: string): string {
  return `rnnscope: ${oneLine(text.replace(/^error: /, '')).replace(/\.$/, '')} (run with --help for usage)`;
}

/**
 * A message as one line of bounded length: every message quotes at most an excerpt of what it names,
 * and this keeps the promise of one line even where a name slipped through whole.
 */
function oneLine(message: string, max = 2000): string {
  const flat = message.trim().replace(/[\r\n\u2028\u2029]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** Exit codes: 0 ok, 1 the run failed (e.g. training diverged), 2 bad input from the user. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // The default command would take an unknown word for a stray argument of its own: name it instead.
  const known = new Set(['help', ...program.commands.flatMap((c) => [c.name(), ...c.aliases()])]);
  const word = argv[0] === 'help' ? argv[1] : argv[0];
  if (word !== undefined && !word.startsWith('-') && !known.has(word)) {
    process.stderr.write(
      `rnnscope: unknown command '${word}'; the commands are ${[...known].filter((k) => k !== 'help').join(', ')} (rnnscope --help)\n`,
    );
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return (process.exitCode as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message (or the help / version) already
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof RnnscopeError) {
      process.stderr.write(`rnnscope: ${oneLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}

// `rnnscope ... | head` closes the pipe early: stop printing, but finish the work (a model is saved).
for (const stream of [process.stdout, process.stderr]) dropWritesAfterEpipe(stream);

const code = await main(process.argv.slice(2));
process.exitCode = code;
