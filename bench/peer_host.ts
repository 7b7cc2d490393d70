/**
 * node dist/bench/peer_host.js NAME: runs one in-process JavaScript peer (tfjs-cpu, tfjs-wasm,
 * brainjs) in this process for bench/peers/forked.ts, answering its requests over the IPC channel.
 * Not meant to be started by hand.
 */
import type { HostReply, HostRequest } from './peers/forked.js';
import type { Peer, StepFn } from './peer.js';
import { makeLocalPeer } from './peers/index.js';

const name = process.argv[2] ?? '';
let peer: Peer;
try {
  peer = makeLocalPeer(name);
} catch (e) {
  process.stderr.write(`peer_host: ${(e as Error).message}\n`);
  process.exit(2);
}
let step: StepFn | null = null;

async function handle(m: HostRequest): Promise<unknown> {
  switch (m.cmd) {
    case 'available':
      return peer.available();
    case 'setup':
      step = null;
      step = await peer.setup(m.config, m.data);
      return null;
    case 'run':
      if (!step) throw new Error('run before setup');
      return step(m.steps);
    case 'memory':
      return peer.memory ? peer.memory() : {};
    case 'notes':
      return peer.notes ? peer.notes() : [];
    case 'teardown':
      await peer.teardown();
      return null;
  }
}

// One request at a time, in order: a run is timed while nothing else runs in this process.
let queue = Promise.resolve();
process.on('message', (m: HostRequest) => {
  queue = queue.then(async () => {
    let reply: HostReply;
    try {
      reply = { id: m.id, ok: true, result: await handle(m) };
    } catch (e) {
      reply = { id: m.id, ok: false, error: (e as Error).message };
    }
    process.send!(reply);
  });
});
process.on('disconnect', () => process.exit(0));
