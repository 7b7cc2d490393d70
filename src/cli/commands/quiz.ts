/**
 * `rnnscope quiz`: trains the model the quiz is about (the main job's pipeline, without its views),
 * then asks questions about that model and run and the lesson's concept questions. On a terminal it is
 * interactive; piped, it prints a study sheet (questions, answers, explanations); `--answers b,a,...`
 * grades a set of answers without asking; `--json` gives one JSON line per question.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runPipeline, type DataEvent } from '../../pipeline.js';
import type { PredictionTrace } from '../../explain/predict.js';
import type { MemoryComparison } from '../../explain/insight.js';
import { letter, makeQuiz, modelFacts, parseChoice, quizDefaults, type Question } from '../../explain/quiz/index.js';
import { ConfigError } from '../../errors.js';
import { makeOutput, type Output } from '../output.js';
import { describeModel } from '../render.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, int, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData, refuse } from '../data.js';
import { loadModelRun, pickSequence } from '../model-run.js';
import { maxLength } from '../../data/dataset.js';
import { predictionTrace } from '../../explain/predict.js';
import type { EpochRecord } from '../../train/events.js';
import { isValueSubject, valueQuiz } from '../value-views.js';

interface QuizOpts extends CommonOpts {
  model?: string;
  series?: string;
  questions?: number;
  answers?: number[];
}

const MAX_QUESTIONS = 12;

/** "b,a,3,d" -> [1, 0, 2, 3]; a bad entry fails at parse time, naming it. */
function answerList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  return parts.map((s, i) => {
    const k = parseChoice(s);
    if (k < 0) throw new InvalidArgumentError(`Answer ${i + 1} is "${s}"; give one of a, b, c, d (or 1-4) per question, comma-separated.`);
    return k;
  });
}

export function registerQuiz(program: Command): void {
  const cmd = program
    .command('quiz')
    .description("questions about the model and its run (shapes, parameters, what a gate did) and the seed's concepts, with explanations");
  addTaskOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  cmd
    .option(
      '--questions <n>',
      `how many questions (default ${quizDefaults.questions}; the lesson's own is always one)`,
      int(1, MAX_QUESTIONS),
    )
    .option('--model <file>', 'quiz a model file of your own run (from rnnscope train) instead of training one; --data for other sequences')
    .option('--series <file>', 'with a forecaster (--model from train --series): the series whose test part to ask about')
    .option('--answers <list>', 'grade these answers without asking: one of a-d (or 1-4) per question, comma-separated', answerList);
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
On a terminal the quiz asks each question and shows the explanation; piped or redirected (without
--answers) it prints a study sheet: every question with its answer and explanation. The score does not
change the exit code.

Examples:
  rnnscope quiz                                  train the reference pipeline, then 8 questions about it
  rnnscope quiz --cell lstm --questions 12       an LSTM: questions about its gates, too
  rnnscope quiz --seed 3 | less                  a study sheet for another seed
  rnnscope quiz --answers b,a,c,d,a,b,c,d        grade answers (same options and seed = same questions)
  rnnscope quiz --json --count 1000 --epochs 2   questions as JSON lines, from a quick run
  rnnscope quiz --model my.safetensors --data my.csv   questions about your own trained model`,
  );
  cmd.action(async (o: QuizOpts) => {
    const out = makeOutput(!!o.json);
    const n = o.questions ?? quizDefaults.questions;
    if (o.answers && o.answers.length !== n) {
      throw new ConfigError(
        `--answers has ${o.answers.length} answer${o.answers.length === 1 ? '' : 's'} but the quiz has ${n} questions; give one of a-d per question, comma-separated`,
      );
    }
    if (await isValueSubject(o)) {
      const { questions, about } = await valueQuiz(o, o.seed ?? 0, n);
      if (o.answers && o.answers.length !== questions.length)
        throw new ConfigError(
          `--answers has ${o.answers.length} answers but this run gives ${questions.length} questions; give one of a-d per question`,
        );
      return present(out, questions, o.answers, about);
    }
    if (o.model) return quizModel(out, o, n);
    const seed = o.seed ?? 0;
    const { data, task, taskOptions } = await loadData(o);
    const status = out.tty && !out.json ? (s: string) => process.stdout.write(`\r\x1b[2K${s}`) : () => {};
    status('Training the model this quiz is about…');

    let dataEv: DataEvent | null = null;
    let trace: PredictionTrace | null = null;
    let comparison: MemoryComparison | null = null;
    let failure: string | null = null;
    const gen = runPipeline({ data, task, taskOptions, model: modelChoice(o), train: trainConfig(o), seed });
    let it = gen.next();
    for (; !it.done; it = gen.next()) {
      const e = it.value;
      if (e.type === 'data') dataEv = e;
      else if (e.type === 'trace') trace = e.trace;
      else if (e.type === 'insight') comparison = e.comparison;
      else if (e.type === 'epoch')
        status(`Training the model this quiz is about… epoch ${e.epoch}/${e.epochs}, held-out accuracy ${e.valAccuracy.toFixed(3)}`);
      else if (e.type === 'train_end' && e.reason === 'nonfinite') failure = e.message;
      else if (e.type === 'test') status('Measuring the same data without memory…');
    }
    status('');
    const run = it.value;
    if (failure) {
      process.stderr.write(`rnnscope: ${failure.replace(/\.$/, '')}. The quiz needs a trained model.\n`);
      process.exitCode = 1;
      return;
    }
    const questions = makeQuiz({ model: modelFacts(run.model), data: dataEv!, history: run.history, trace, comparison }, seed, {
      questions: n,
    });
    if (o.answers && o.answers.length !== questions.length) {
      throw new ConfigError(
        `--answers has ${o.answers.length} answers but this run gives ${questions.length} questions; give one of a-d per question`,
      );
    }
    const about = `${describeModel(run.model.options)}; task ${dataEv!.name}, seed ${seed}`;
    await present(out, questions, o.answers, about);
  });
}

/** Prints, grades or asks `questions`, as the output and the answers given call for. */
function present(out: Output, questions: Question[], answers: number[] | undefined, about: string): void | Promise<void> {
  if (out.json) return printJson(out, questions, answers, about);
  out.print(out.color.bold(`Model Quiz — ${questions.length} question${questions.length === 1 ? '' : 's'}`));
  out.print(out.color.dim(`About this run: ${about}.`));
  if (answers) return grade(out, questions, answers);
  // Interactive only with a person at both ends; `quiz > file` or `quiz | less` gets the study sheet.
  if (process.stdin.isTTY && out.tty) return ask(out, questions);
  studySheet(out, questions);
}

/**
 * `quiz --model FILE`: questions about a trained model file (its shapes, its recorded history, a
 * prediction trace on --data or its task's test split); the memory comparison is left out, as it
 * needs training the memoryless twin.
 */
async function quizModel(out: Output, o: QuizOpts, n: number): Promise<void> {
  refuse(
    o,
    [
      'task',
      'cell',
      'hidden',
      'layers',
      'bidirectional',
      'dropout',
      'proj',
      'epochs',
      'batchSize',
      'optimizer',
      'lr',
      'momentum',
      'nesterov',
      'weightDecay',
      'schedule',
      'stepSize',
      'gamma',
      'clip',
      'patience',
      'threads',
    ],
    `does not apply with --model: the quiz is about ${o.model} as it was trained`,
  );
  const mr = await loadModelRun(o.model!, o);
  const seed = o.seed ?? mr.meta.taskSpec?.seed ?? 0;
  const data = {
    name: mr.meta.task ?? 'data',
    features: mr.meta.features ?? Array.from({ length: mr.model.options.inputSize }, (_, i) => `f${i}`),
    classes: mr.classes,
    target: mr.model.options.headOn,
    steps: maxLength(mr.sequences),
  };
  const trace = mr.sequences.length ? predictionTrace(mr.model, pickSequence(mr.sequences, mr.source, {})) : null;
  const history = (mr.meta.history ?? []) as EpochRecord[];
  const questions = makeQuiz({ model: modelFacts(mr.model), data, history, trace, comparison: null }, seed, { questions: n });
  if (o.answers && o.answers.length !== questions.length) {
    throw new ConfigError(
      `--answers has ${o.answers.length} answers but this model gives ${questions.length} questions; give one of a-d per question`,
    );
  }
  await present(out, questions, o.answers, `${describeModel(mr.model.options)}; ${o.model}, on ${mr.source}`);
}

function printJson(out: Output, qs: Question[], answers: number[] | undefined, about: string): void {
  out.event({ type: 'quiz', questions: qs.length, about });
  let right = 0;
  qs.forEach((q, i) => {
    const given = answers?.[i];
    const graded = given === undefined ? {} : { given, correct: given === q.answer };
    if (given === q.answer) right++;
    out.event({ type: 'question', number: i + 1, ...q, ...graded });
  });
  if (answers) out.event({ type: 'score', right, total: qs.length });
}

function showQuestion(out: Output, q: Question, i: number, total: number): void {
  const c = out.color;
  out.print();
  out.print(
    c.bold(`Question ${i + 1} of ${total}`) + c.dim(` (${q.kind === 'run' ? 'this run' : q.kind === 'model' ? 'this model' : 'concept'})`),
  );
  out.print(wrap(q.prompt, out.width, 2, 2));
  q.choices.forEach((ch, k) => out.print(wrap(`${letter(k)}) ${ch}`, out.width, 4, 7)));
}

function showVerdict(out: Output, q: Question, given: number): void {
  const c = out.color;
  const right = `${letter(q.answer)}) ${q.choices[q.answer]}`;
  out.print(
    given === q.answer
      ? c.green(`  ✓ Right: ${letter(given)}.`)
      : c.red(wrap(`✗ ${letter(given)} is wrong; the answer is ${right}.`, out.width, 2, 4)),
  );
  out.print(wrap(q.explanation, out.width, 4, 4));
}

function score(out: Output, right: number, total: number): void {
  out.print();
  out.print(out.color.bold(`Score: ${right} of ${total} right (${Math.round((100 * right) / total)}%).`));
}

function grade(out: Output, qs: Question[], answers: number[]): void {
  let right = 0;
  qs.forEach((q, i) => {
    showQuestion(out, q, i, qs.length);
    out.print(`  Your answer: ${letter(answers[i]!)}`);
    showVerdict(out, q, answers[i]!);
    if (answers[i] === q.answer) right++;
  });
  score(out, right, qs.length);
}

function studySheet(out: Output, qs: Question[]): void {
  qs.forEach((q, i) => {
    showQuestion(out, q, i, qs.length);
    out.print(out.color.green(wrap(`Answer: ${letter(q.answer)}) ${q.choices[q.answer]}`, out.width, 2, 4)));
    out.print(wrap(q.explanation, out.width, 4, 4));
  });
  out.print();
  out.print(
    out.color.dim('On a terminal, rnnscope quiz asks these one by one; --answers a,b,... (one per question) grades a set of answers.'),
  );
}

async function ask(out: Output, qs: Question[]): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const stop = new AbortController();
  rl.on('SIGINT', () => {
    process.exitCode = 130; // as a shell reports Ctrl-C
    stop.abort();
  });
  rl.on('close', () => stop.abort());
  out.print(out.color.dim('Answer with a, b, c or d (or 1-4); q to stop.'));
  let right = 0;
  let asked = 0;
  try {
    for (const [i, q] of qs.entries()) {
      showQuestion(out, q, i, qs.length);
      let given = -1;
      while (given < 0) {
        const line = await rl.question('  Your answer: ', { signal: stop.signal });
        if (line.trim().toLowerCase() === 'q') {
          stop.abort();
          break;
        }
        given = parseChoice(line);
        if (given < 0 && line.trim() !== '') out.print(`  "${line.trim()}" is not one of a, b, c, d (or 1-4).`);
      }
      if (given < 0) break;
      asked++;
      if (given === q.answer) right++;
      showVerdict(out, q, given);
    }
  } catch (e) {
    if (!(e instanceof Error && e.name === 'AbortError')) throw e;
  } finally {
    rl.close();
  }
  if (asked < qs.length) {
    out.print();
    out.print(out.color.bold(`Stopped after ${asked} of ${qs.length}: ${right} right.`));
    return;
  }
  score(out, right, qs.length);
}

/** Words wrapped to `width`, the first line indented by `first` spaces and the rest by `rest`. */
function wrap(text: string, width: number, first: number, rest: number): string {
  const lines: string[] = [];
  let line = ' '.repeat(first);
  let empty = true;
  for (const w of text.split(/\s+/)) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = ' '.repeat(rest) + w;
    } else {
      line += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
