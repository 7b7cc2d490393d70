/**
 * The explorer in real Chromium, against the build `rnnscope serve` serves: the first paint, every
 * mode, training to the accuracy bar, the step-through's numbers against the engine's own trace in
 * Node, the downloaded weights against Node's, uploads (a bad file gets the CLI's message), the quiz,
 * and a shared link reproducing its view; no console error anywhere. Screenshots of every mode, at a
 * laptop's and a phone's width, go to test/output/screenshots (SCREENSHOTS=docs/screenshots for the README).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { applyNormalization, decodeModel, memoryWorth, predictionTrace, type RunMeta } from '../../src/internal.js';
import { cannotRun, maxDiff, reference, root, shot, start, trained, valuesOf, type Harness, type Reference } from './harness.js';

const skip = cannotRun();
const MODES = ['pipeline', 'training', 'step', 'math', 'code', 'playground', 'compare', 'quiz', 'insight'] as const;
/** float32 values pass through JSON as doubles: the page's numbers should equal Node's to the last bit. */
const TOL = 1e-6;
const f2 = (v: number) => (v.toFixed(2) === '-0.00' ? '0.00' : v.toFixed(2));

describe('the explorer in Chromium', { skip: skip ?? false, timeout: 240_000 }, () => {
  let h: Harness;
  let page: Page;
  let ref: Reference;
  const t0 = performance.now();

  before(async () => {
    h = await start();
    console.log(`explorer build: ${h.buildSeconds.toFixed(1)} s (0 when up to date), served at ${h.url}`);
    ref = reference({});
    ({ page } = await h.newPage());
  });

  after(async () => {
    await h?.close();
    console.log(`browser suite: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });

  test("the page's own script carries no engine: the kernels and the training loop are in the worker alone", () => {
    const assets = join(root, 'dist', 'web', 'assets');
    const read = (prefix: string) =>
      readFileSync(
        join(
          assets,
          readdirSync(assets).find((f) => f.startsWith(prefix) && f.endsWith('.js'))!,
        ),
        'utf8',
      );
    const [main, worker] = [read('index-'), read('worker-')];
    // 'AGFzbQ' is base64 for the WebAssembly magic '\0asm'; the sentence is one of Recurrent's errors.
    for (const mark of ['AGFzbQ', 'needs a forward() pass first']) {
      assert.ok(worker.includes(mark), `the worker has ${mark}`);
      assert.ok(!main.includes(mark), `the first screen's script has ${mark}: something there imports the engine`);
    }
  });

  test("the first screen's script holds one mode: the others are chunks of their own, and KaTeX's fonts are woff2 only", () => {
    const assets = join(root, 'dist', 'web', 'assets');
    const files = readdirSync(assets);
    const main = readFileSync(
      join(
        assets,
        files.find((f) => f.startsWith('index-') && f.endsWith('.js'))!,
      ),
      'utf8',
    );
    for (const name of ['Training', 'StepThrough', 'MathMode', 'Code', 'Playground', 'Compare', 'Quiz', 'Insight', 'Values']) {
      assert.ok(
        files.some((f) => f.startsWith(`${name}-`) && f.endsWith('.js')),
        `no chunk of its own for ${name}: App.tsx imports it statically`,
      );
    }
    // The code mode's generated PyTorch is only in its chunk.
    assert.ok(!main.includes('import torch'), "the first screen's script has the code mode in it");
    const css = readFileSync(
      join(
        assets,
        files.find((f) => f.startsWith('katex-') && f.endsWith('.css'))!,
      ),
      'utf8',
    );
    // The smallest fonts are inlined as data: URLs.
    const fonts = [...css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(fonts.length >= 19, `KaTeX's style sheet names ${fonts.length} fonts`);
    assert.deepEqual(
      fonts.filter((f) => !f.endsWith('.woff2') && !f.startsWith('data:font/woff2;')),
      [],
    );
    assert.deepEqual(
      files.filter((f) => /\.(woff|ttf)$/.test(f)),
      [],
    );
  });

  test('the first screen is painted from the precomputed run at once', async () => {
    // First contentful paint of three cold loads (a fresh context each: no cache), median reported.
    const paints: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { page: p, context } = await h.newPage();
      await p.goto(h.url);
      await p.waitForSelector('[data-testid=flow]');
      paints.push(
        await p.evaluate(
          () =>
            new Promise<number>((ok) => {
              const e = performance.getEntriesByName('first-contentful-paint')[0];
              if (e) return ok(e.startTime);
              new PerformanceObserver((l) => ok(l.getEntries()[0]!.startTime)).observe({ type: 'paint', buffered: true });
            }),
        ),
      );
      await context.close();
    }
    const median = [...paints].sort((a, b) => a - b)[1]!;
    console.log(`first contentful paint: ${paints.map(Math.round).join(', ')} ms (median ${Math.round(median)} ms)`);
    assert.ok(median < 2500, `first contentful paint took ${median} ms`);
    await page.goto(h.url);
    await page.waitForSelector('[data-testid=flow]');
    // The precomputed snapshot and the live run are the same run: the stages are there either way.
    assert.equal(await page.locator('[data-testid=flow] .stage').count(), 3);
    assert.match((await page.textContent('[data-testid=stage-2]'))!, /\[10, 5\] → \[10, 8\]/);
  });

  test("the live run trains the reference pipeline past the accuracy bar, with the engine's numbers", async () => {
    await trained(page);
    await page.click('#tab-training');
    const rows = page.locator('[data-testid=epochs] tbody tr[data-epoch]');
    assert.equal(await rows.count(), 5);
    const acc = Number(await rows.nth(4).getAttribute('data-val-accuracy'));
    assert.ok(acc >= 0.85, `held-out accuracy after 5 epochs is ${acc}`);
    for (let e = 0; e < 5; e++) {
      assert.equal(Number(await rows.nth(e).getAttribute('data-val-accuracy')), ref.history[e]!.valAccuracy, `epoch ${e + 1}`);
    }
    assert.equal(Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value')), ref.test);
  });

  test("step-through: every step's numbers are the engine's predictionTrace for the same seed; arrow keys step", async () => {
    await page.click('#tab-step');
    await page.waitForSelector('[data-testid=h-heatmap]');
    await page.locator('#panel').focus();
    const T = ref.trace.steps.length;
    for (let t = 0; t < T; t++) {
      assert.equal((await page.textContent('[data-testid=step-label]'))!.trim(), `Step ${t + 1} of ${T}`);
      const s = ref.trace.steps[t]!;
      const c = s.cells[0]!;
      const checks: [string, number[]][] = [
        ['x', s.x],
        ['h-prev', c.hPrev],
        ['input-part-0', c.inputPart],
        ['hidden-part-0', c.hiddenPart],
        ['h', c.h],
        ['outputs', s.probs!],
      ];
      for (const [id, want] of checks) {
        const d = maxDiff(await valuesOf(page, id), want);
        assert.ok(d <= TOL, `step ${t + 1}, ${id}: largest difference ${d}`);
      }
      // What is written is the value to 2 decimals.
      assert.equal((await page.locator('[data-testid=h] li').first().textContent())!.trim(), f2(c.h[0]!));
      if (t < T - 1) await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press('Home');
    assert.equal((await page.textContent('[data-testid=step-label]'))!.trim(), `Step 1 of ${T}`);
    await page.keyboard.press('ArrowRight');
  });

  test("math: the equations are typeset and carry this step's numbers", async () => {
    await page.click('#tab-math');
    await page.waitForSelector('[data-testid=instance] .katex');
    const c = ref.trace.steps[1]!.cells[0]!;
    const text = (await page.textContent('[data-testid=instance] annotation'))!;
    assert.match(text, new RegExp(`= ${c.h[0]!.toFixed(2).replace('.', '\\.')}`));
    assert.ok(await page.locator('[data-testid=dot-input] .katex').count());
  });

  test("code: generated from the settings; the downloaded weights are the engine's, loadable by name", async () => {
    await page.click('#tab-code');
    const torch = (await page.textContent('[data-testid=code-pytorch]'))!;
    assert.match(torch, /SequenceModel\(mode="rnn_tanh", inputSize=5, hiddenSize=8, numClasses=3/);
    // The module is tools/rnnscope_torch.py's, with everything it needs.
    const module = readFileSync(join(root, 'tools', 'rnnscope_torch.py'), 'utf8');
    assert.ok(torch.includes(module.slice(module.indexOf('CELLS = '), module.indexOf('\ndef load('))));
    assert.match((await page.textContent('[data-testid=code-cli]'))!, /npx rnnscope train --task trend --cell rnn --hidden 8 --epochs 5/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')]);
    assert.equal(download.suggestedFilename(), 'rnnscope-rnn_tanh-h8-seed0.safetensors');
    const bytes = readFileSync((await download.path())!);
    const { model, meta } = decodeModel(new Uint8Array(bytes), 'download');
    assert.deepEqual(meta.classes, ['down', 'flat', 'up']);
    assert.equal(maxDiff(Array.from(model.table.data), Array.from(ref.p.model.table.data)), 0);
    // The same builder as rnnscope train: the task as given, the data file (none) and a checkpoint to resume from.
    const run = meta as RunMeta;
    assert.deepEqual(run.taskSpec, { name: 'trend', options: {}, seed: 0 });
    assert.equal(run.dataFile, null);
    assert.equal(run.checkpoint?.epoch, 5);
    // The same file turned into ONNX in the page: onnxruntime gives the engine's logits on raw features.
    assert.match((await page.textContent('[data-testid=code-onnx]'))!, /InferenceSession\.create\('rnnscope-rnn_tanh-h8-seed0\.onnx'\)/);
    const [onnxFile] = await Promise.all([
      page.waitForEvent('download'),
      page.setInputFiles('[data-testid=onnx-file]', {
        name: download.suggestedFilename(),
        mimeType: 'application/octet-stream',
        buffer: bytes,
      }),
    ]);
    assert.equal(onnxFile.suggestedFilename(), 'rnnscope-rnn_tanh-h8-seed0.onnx');
    const ort = await import('onnxruntime-node');
    const onnx = await ort.InferenceSession.create(readFileSync((await onnxFile.path())!));
    const raw = ref.p.dataset.sequences.find((q) => q.id === ref.p.split.test[0]!.id)!;
    const got = await onnx.run({
      input: new ort.Tensor('float32', raw.x, [raw.length, 1, 5]),
      lengths: new ort.Tensor('int32', Int32Array.of(raw.length), [1]),
    });
    const want = ref.p.model.forward({ data: ref.p.split.test[0]!.x, shape: [raw.length, 1, 5] }).logits.data;
    assert.ok(maxDiff(Array.from(got['logits']!.data as Float32Array), Array.from(want)) <= 1e-5);
  });

  test('playground: a preset and a drag change the predictions at once, as the engine predicts them', async () => {
    await page.click('#tab-playground');
    const first = await page.getAttribute('[data-testid=predictions] td[data-probs]', 'data-probs');
    await page.click('[data-testid=preset-rising]');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid=predictions] td[data-probs]')?.getAttribute('data-probs') !== before,
      first,
    );
    // The edited sequence is in the URL; trace it in Node and compare.
    const pg = new URL(page.url()).searchParams.get('pg')!.split('_').map(Number);
    const [seq] = applyNormalization(
      [{ id: 'pg', length: 10, x: Float32Array.from(pg), y: new Int32Array(10).fill(-100) }],
      ref.p.normalization,
    );
    const want = predictionTrace(ref.p.model, seq!);
    const got = await page
      .locator('[data-testid=predictions] td[data-probs]')
      .evaluateAll((tds) => tds.map((td) => JSON.parse(td.getAttribute('data-probs')!) as number[]));
    got.forEach((probs, t) => assert.ok(maxDiff(probs, want.steps[t]!.probs!) <= TOL, `step ${t + 1}`));
    assert.deepEqual(
      await page.locator('[data-testid=predictions] tr').nth(1).locator('td').allTextContents(),
      want.steps.map((s) => ['down', 'flat', 'up'][s.predicted!]),
    );
    // Drag step 6 far down: the prediction there turns.
    const before = await page.locator('[data-testid=predictions] td[data-probs]').nth(5).getAttribute('data-probs');
    const box = (await page.locator('[data-testid=handle-5]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 120, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      (b) => document.querySelectorAll('[data-testid=predictions] td[data-probs]')[5]?.getAttribute('data-probs') !== b,
      before,
    );
    // Keyboard: a focused point moves with the arrow keys.
    await page.locator('[data-testid=handle-2]').focus();
    const v0 = Number(await page.getAttribute('[data-testid=handle-2]', 'aria-valuenow'));
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction((v) => Number(document.querySelector('[data-testid=handle-2]')?.getAttribute('aria-valuenow')) > v, v0);
  });

  test('compare: RNN, LSTM and GRU train side by side; memory beats its absence', async () => {
    await page.click('#tab-compare');
    await page.waitForSelector('[data-testid=compare-status][data-status=done]', { timeout: 120_000 });
    const acc = async (mode: string) =>
      Number(await page.getAttribute(`[data-testid=compare-table] tr[data-mode=${mode}]`, 'data-test-accuracy'));
    assert.equal(await acc('rnn_tanh'), ref.test);
    assert.equal(await acc('memoryless'), ref.comparison!.memoryless);
    for (const m of ['lstm', 'gru']) assert.ok((await acc(m)) > ref.comparison!.memoryless + 0.3, m);
    assert.ok(await page.locator('.explain').count());
    assert.doesNotMatch((await page.textContent('[data-testid=compare-verdict]'))!, /does not need/);
  });

  test("same settings, same seed: Compare's row for the run's own cell and Key insight show the same memory figure", async () => {
    await page.click('#tab-compare');
    await page.waitForSelector('[data-testid=compare-status][data-status=done]', { timeout: 120_000 });
    const row = Number(await page.getAttribute('[data-testid=compare-table] tr[data-mode=rnn_tanh]', 'data-gain'));
    const figure = (await page.textContent('[data-testid=compare-memory] strong'))!.trim();
    await page.click('#tab-insight');
    await page.waitForSelector('[data-testid=insight-summary]', { timeout: 60_000 });
    const insight = Number(await page.getAttribute('[data-testid=insight-summary]', 'data-gain'));
    assert.equal(row, insight);
    assert.equal(insight, memoryWorth(ref.comparison!).gain);
    assert.equal((await page.textContent('[data-testid=insight-summary] strong'))!.trim(), figure);
  });

  test('a link may name the cell as the CLI does: cell=tanh is the tanh RNN', async () => {
    const { page: p, context } = await h.newPage();
    await p.goto(`${h.url}?cell=tanh&hidden=6`);
    await p.waitForSelector('[data-testid=flow]');
    assert.equal(await p.inputValue('#set-cell'), 'rnn_tanh');
    assert.equal(await p.locator('.notice').count(), 0);
    await context.close();
  });

  test("quiz: the engine's questions; answers get explanations and a score", async () => {
    await page.click('#tab-quiz');
    await page.waitForSelector('.question', { timeout: 60_000 });
    const qs = ref.quiz!;
    assert.equal(await page.locator('.question').count(), qs.length);
    for (let i = 0; i < qs.length; i++) {
      const q = qs[i]!;
      const el = page.locator(`[data-testid=question-${i}]`);
      assert.equal(await el.getAttribute('data-id'), q.id);
      assert.equal((await el.locator('legend').textContent())!.trim(), q.prompt);
      // All right but the last, which gets a wrong answer.
      const pick = i < qs.length - 1 ? q.answer : (q.answer + 1) % 4;
      await el.locator('input[type=radio]').nth(pick).check();
      assert.match((await page.textContent(`[data-testid=verdict-${i}]`))!, i < qs.length - 1 ? /^Right\./ : /^Not quite/);
    }
    assert.match((await page.textContent('[data-testid=quiz-score]'))!, new RegExp(`Score: ${qs.length - 1} of ${qs.length} answered`));
  });

  test("key insight: the lesson's summary with this session's measured numbers", async () => {
    await page.click('#tab-insight');
    await page.waitForSelector('[data-testid=insight-bars]');
    const m = ref.comparison!;
    const bars = await page
      .locator('[data-testid=insight-bars] li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-value'))));
    assert.deepEqual(bars, [m.withMemory, m.reset, m.memoryless, m.chance]);
    assert.match((await page.textContent('.seed'))!, /RNNs handle sequences by remembering past inputs/);
  });

  test('keyboard: arrow keys move along the mode tabs, and 1-9 pick a mode', async () => {
    await page.locator('#tab-insight').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getAttribute('#tab-quiz', 'aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.getAttribute('#tab-pipeline', 'aria-selected'), 'true');
    await page.locator('#panel').focus();
    await page.keyboard.press('3');
    assert.equal(await page.getAttribute('#tab-step', 'aria-selected'), 'true');
  });

  test('training controls: reset to the same initial weights, step one batch, pause, play: the same run again', async () => {
    await page.click('#tab-training');
    const batches = async () => Number(await page.getAttribute('[data-testid=progress]', 'data-batches'));
    await page.click('[data-testid=reset]');
    await page.waitForSelector('[data-testid=status][data-status=ready]');
    assert.equal(await batches(), 0);
    assert.equal(await page.locator('[data-testid=epochs] tbody tr[data-epoch]').count(), 0);
    await page.click('[data-testid=step-batch]');
    await page.waitForSelector('[data-testid=status][data-status=paused]');
    assert.equal(await batches(), 1);
    await page.click('[data-testid=step-batch]');
    await page.waitForFunction(() => document.querySelector('[data-testid=progress]')?.getAttribute('data-batches') === '2');
    await page.click('[data-testid=play]');
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=status][data-status=paused]');
    const paused = await batches();
    assert.ok(paused >= 2 && paused < 1095, `paused after ${paused} batches`);
    await page.click('[data-testid=play]');
    await trained(page);
    // Stepping and pausing change nothing: the run ends where the first one did.
    const acc = await page
      .locator('[data-testid=epochs] tbody tr[data-epoch]')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-val-accuracy'))));
    assert.deepEqual(
      acc,
      ref.history.map((e) => e.valAccuracy),
    );
  });

  test("screenshots of every mode at a laptop's width", async () => {
    for (const m of MODES) {
      await page.click(`#tab-${m}`);
      if (m === 'math') await page.waitForSelector('.katex');
      if (m === 'quiz') await page.waitForSelector('.question', { timeout: 60_000 });
      if (m === 'insight') await page.waitForSelector('[data-testid=insight-bars]', { timeout: 60_000 });
      await shot(page, `desktop-${m}`);
    }
  });

  test("upload: a bad file gets the CLI's message; a good one trains", async () => {
    const fixtures = join(root, 'test', 'fixtures', 'data');
    for (const bad of ['not-a-number.csv', 'syntax.json']) {
      const cli = spawnSync(
        process.execPath,
        [join(root, 'dist', 'src', 'cli', 'main.js'), 'train', '--data', bad, '--out', 'never-written.safetensors'],
        { cwd: fixtures, encoding: 'utf8' },
      );
      assert.equal(cli.status, 2);
      await page.setInputFiles('#upload-file', join(fixtures, bad));
      await page.waitForSelector('[data-testid=upload-error]');
      assert.equal((await page.textContent('[data-testid=upload-error]'))!.trim(), cli.stderr.trim());
    }
    // The bad files changed nothing: the model is still the reference pipeline's.
    assert.equal(new URL(page.url()).searchParams.get('data'), null);
    await page.setInputFiles('#upload-file', join(root, 'examples', 'sine-direction.csv'));
    await page.waitForSelector('[data-testid=uploaded]');
    assert.equal(await page.locator('[data-testid=upload-error]').count(), 0);
    assert.equal(new URL(page.url()).searchParams.get('data'), 'sine-direction.csv');
    await trained(page);
    assert.match((await page.textContent('[data-testid=uploaded]'))!, /sine-direction\.csv/);
  });

  test('settings: a new cell and size start a new run, and the pipeline follows them', async () => {
    await page.click('[data-testid=uploaded] button');
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('data'));
    await page.click('#tab-pipeline');
    await page.selectOption('#set-cell', 'gru');
    await page.fill('#set-hidden', '4');
    await page.press('#set-hidden', 'Enter');
    await page.fill('#set-layers', '0');
    await page.press('#set-layers', 'Enter');
    assert.match((await page.textContent('.field .error'))!, /Layers must be an integer from 1 to 4/);
    await page.waitForFunction(() => new URL(location.href).searchParams.get('hidden') === '4');
    await trained(page);
    assert.match((await page.textContent('[data-testid=stage-2]'))!, /GRU layer[\s\S]*\[10, 5\] → \[10, 4\]/);
    assert.equal(new URL(page.url()).searchParams.get('cell'), 'gru');
  });

  test('a shared link reproduces its view: settings, seed, mode and step', async () => {
    const link = `${h.url}?mode=step&cell=lstm&hidden=6&epochs=2&seed=3&step=4`;
    const want = reference({ model: { mode: 'lstm', hiddenSize: 6 }, seed: 3, epochs: 2 }, false);
    const views: number[][] = [];
    let shared = link;
    for (let i = 0; i < 2; i++) {
      const { page: p, context } = await h.newPage();
      await p.goto(shared);
      await trained(p);
      await p.waitForSelector('[data-testid=h]');
      assert.equal((await p.textContent('[data-testid=step-label]'))!.trim(), 'Step 4 of 10');
      assert.equal(await p.getAttribute('#tab-step', 'aria-selected'), 'true');
      assert.equal(await p.inputValue('#set-cell'), 'lstm');
      assert.ok(await p.locator('[data-testid=c-heatmap]').count(), 'the LSTM shows c_t as a heat map');
      const hv = await valuesOf(p, 'h');
      assert.ok(
        maxDiff(hv, want.trace.steps[3]!.cells[0]!.h) <= TOL,
        `h_4 differs from the engine's by ${maxDiff(hv, want.trace.steps[3]!.cells[0]!.h)}`,
      );
      const cell = want.trace.steps[3]!.cells[0]!;
      for (const g of ['i', 'f', 'g', 'o']) assert.ok(maxDiff(await valuesOf(p, `gate-${g}`), cell.gates![g]!) <= TOL, g);
      assert.ok(maxDiff(await valuesOf(p, 'c'), cell.c!) <= TOL, 'c_4');
      views.push(hv);
      shared = p.url();
      if (i === 1) {
        await p.reload();
        await trained(p);
        assert.deepEqual(await valuesOf(p, 'h'), hv);
      }
      await context.close();
    }
    assert.deepEqual(views[0], views[1]);
  });

  test("screenshots of every mode at a phone's width", async () => {
    const { page: p, context } = await h.newPage({ width: 390, height: 844, mobile: true });
    await p.goto(h.url);
    await trained(p);
    for (const m of MODES) {
      await p.click(`#tab-${m}`);
      if (m === 'math') await p.waitForSelector('.katex');
      if (m === 'compare') await p.waitForSelector('[data-testid=compare-status][data-status=done]', { timeout: 120_000 });
      if (m === 'insight') await p.waitForSelector('[data-testid=insight-bars]', { timeout: 60_000 });
      if (m === 'quiz') await p.locator('[data-testid=question-0] input[type=radio]').first().check();
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${m}: the page is ${width} px wide on a 390 px phone`);
      await shot(p, `phone-${m}`);
    }
    await context.close();
  });

  test('no console errors or page errors along the way', () => {
    assert.deepEqual(h.errors, []);
  });
});
