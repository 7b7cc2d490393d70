/**
 * The bench's chromium peer (bench/peers/chromium.ts) runs the engine in a Web Worker of Chromium from
 * the compiled tree: its steps are the Node peer's (to the bit before the first update), so the browser's speed it measures is of
 * the same work, and the worker's imports stay browser-safe.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGS } from '../../bench/configs.js';
import { makeData } from '../../bench/data.js';
import { ChromiumPeer } from '../../bench/peers/chromium.js';
import { RnnscopePeer } from '../../bench/peers/rnnscope.js';
import { cannotRun } from './harness.js';
import { load } from '../../src/tensor/wasm/module.js';

const skip = cannotRun();

test(
  'the chromium peer trains and infers as the Node peer does, the first loss and the logits to the bit',
  { skip: skip ?? false, timeout: 120_000 },
  async () => {
    const chromium = new ChromiumPeer();
    const node = new RnnscopePeer();
    try {
      const ok = await chromium.available();
      assert.ok(ok.ok, 'Chromium starts');
      for (const name of ['lesson', 'infer256']) {
        const c = CONFIGS.find((x) => x.name === name)!;
        const data = makeData(c);
        const inBrowser = await (await chromium.setup(c, data))(3);
        const inNode = await (await node.setup(c, data))(3);
        assert.ok(inBrowser.seconds > 0);
        if (c.task === 'train') {
          assert.equal(inBrowser.lossFirst, inNode.lossFirst, `${name}: first loss`);
          // After two Adam steps the two V8s may part in the last bit of a double (Math.pow and Math.exp are
          // V8's own and may change between versions): the same work, not the same rounding.
          assert.ok(Math.abs(inBrowser.lossLast / inNode.lossLast - 1) < 1e-12, `${name}: the loss after two Adam steps`);
        } else {
          assert.equal(inBrowser.check, inNode.check, `${name}: the sum of the logits`);
        }
      }
    } finally {
      await chromium.teardown();
      await node.teardown();
    }
  },
);

test(
  "with --threads 2 the chromium peer shares a large batch with a second Web Worker, and its step is Node's two-thread step",
  { skip: skip ?? false, timeout: 120_000 },
  async () => {
    const chromium = new ChromiumPeer(2);
    const node = new RnnscopePeer(2);
    try {
      assert.ok((await chromium.available()).ok);
      const c = CONFIGS.find((x) => x.name === 'lstm')!;
      const data = makeData(c);
      const inBrowser = await (await chromium.setup(c, data))(4);
      const inNode = await (await node.setup(c, data))(4);
      assert.equal(chromium.failure, null, 'the second worker answered every job');
      assert.ok(chromium.sharedSteps >= 4, `steps on two workers: ${chromium.sharedSteps}`);
      // (the same two parts; the two V8s may part in a double's last bit, as above). Chromium has relaxed
      // SIMD, so at H128 its GEMMs fuse their multiply-adds (gemmDispatch.fmaMinWork); where Node.js has
      // none (20), its sums round twice per term: the same work, other last bits of float32.
      const tol = load()?.fused ? 1e-12 : 1e-6;
      assert.ok(
        Math.abs(inBrowser.lossFirst / inNode.lossFirst - 1) < tol,
        `the first loss: ${inBrowser.lossFirst} against ${inNode.lossFirst}`,
      );
      assert.ok(
        Math.abs(inBrowser.lossLast / inNode.lossLast - 1) < 1e-6,
        `after three updates: ${inBrowser.lossLast} against ${inNode.lossLast}`,
      );
    } finally {
      await chromium.teardown();
      await node.teardown();
    }
  },
);
