/**
 * The peers, in the order they appear in the table. rnnscope comes first: ratios are rnnscope / peer.
 *
 * rnnscope runs in the bench's own process. PyTorch runs in a Python process (torch.ts). The other
 * JavaScript peers (TensorFlow.js cpu and wasm, brain.js) run each in its own forked Node process
 * (forked.ts + ../peer_host.ts), so their garbage and their libraries' global state stay out of
 * rnnscope's process; --in-process runs them here instead (for debugging).
 *
 * To add a peer: write bench/peers/<name>.ts implementing Peer (bench/peer.ts) and add it below.
 */
import type { Peer } from '../peer.js';
import { BrainPeer } from './brain.js';
import { ChromiumPeer } from './chromium.js';
import { ForkedPeer } from './forked.js';
import { OnnxRuntimePeer } from './onnxruntime.js';
import { RnnscopePeer } from './rnnscope.js';
import { TfjsPeer } from './tfjs.js';
import { TorchPeer } from './torch.js';

export interface PeerOptions {
  torchThreads: number;
  /** rnnscope's training threads (1 or 2). */
  threads?: number;
  /** Run the JavaScript peers in the bench's process rather than one process each. */
  inProcess?: boolean;
}

export const PEER_NAMES = ['rnnscope', 'pytorch', 'onnxruntime', 'tfjs-cpu', 'tfjs-wasm', 'brainjs', 'chromium'] as const;

/** The JavaScript peers that peer_host.ts can run. */
export function makeLocalPeer(name: string): Peer {
  switch (name) {
    case 'tfjs-cpu':
      return new TfjsPeer('cpu');
    case 'tfjs-wasm':
      return new TfjsPeer('wasm');
    case 'brainjs':
      return new BrainPeer();
    default:
      throw new Error(`unknown JavaScript peer "${name}"`);
  }
}

export function makePeers(names: readonly string[], o: PeerOptions): Peer[] {
  return names.map((n) => {
    switch (n) {
      case 'rnnscope':
        return new RnnscopePeer(o.threads ?? 1);
      case 'pytorch':
        return new TorchPeer({ threads: o.torchThreads });
      case 'onnxruntime':
        return new OnnxRuntimePeer(o.threads ?? 1);
      case 'chromium':
        return new ChromiumPeer(o.threads ?? 1);
      case 'tfjs-cpu':
      case 'tfjs-wasm':
      case 'brainjs': {
        const local = makeLocalPeer(n);
        return o.inProcess ? local : new ForkedPeer(n, local.label);
      }
      default:
        throw new Error(`unknown peer "${n}"; known: ${PEER_NAMES.join(', ')}`);
    }
  });
}
