/**
 * The peers, in the order they appear in the table. rnnscope comes first: ratios are rnnscope / peer.
 *
 * To add a peer: write bench/peers/<name>.ts implementing Peer (bench/peer.ts), add it below.
 * Planned (DESIGN.md "Speed"), not installed yet:
 *   - TensorFlow.js, cpu and wasm backends (@tensorflow/tfjs, @tensorflow/tfjs-backend-wasm):
 *     tf.layers.simpleRNN/lstm/gru with returnSequences + a timeDistributed dense head. Its kernels
 *     are [I, 4H] with gate order i,f,c,o and its GRU cannot express PyTorch's (reset_after), so it
 *     initialises its own weights and only its speed and falling loss are comparable.
 *   - brain.js (recurrent.RNN/LSTM/GRU): its own training loop and loss; speed only.
 */
import type { Peer } from '../peer.js';
import { RnnscopePeer } from './rnnscope.js';
import { TorchPeer } from './torch.js';

export interface PeerOptions {
  torchThreads: number;
}

export const PEER_NAMES = ['rnnscope', 'pytorch'] as const;

export function makePeers(names: readonly string[], o: PeerOptions): Peer[] {
  return names.map((n) => {
    switch (n) {
      case 'rnnscope': return new RnnscopePeer();
      case 'pytorch': return new TorchPeer({ threads: o.torchThreads });
      default: throw new Error(`unknown peer "${n}"; known: ${PEER_NAMES.join(', ')}`);
    }
  });
}
