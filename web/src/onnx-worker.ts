/**
 * Code mode's ONNX conversion, in a worker of its own: the exporter needs the engine (to check the
 * model file), and a worker is bundled apart, so the first screen's script stays without it.
 */
import { onnxFromModelFile } from '../../src/export/onnx.js';

export interface OnnxReply {
  bytes?: Uint8Array;
  /** What is wrong with the file, in one sentence. */
  error?: string;
}

self.onmessage = (ev: MessageEvent<{ bytes: Uint8Array; name: string }>) => {
  let reply: OnnxReply;
  try {
    reply = { bytes: onnxFromModelFile(ev.data.bytes, ev.data.name) };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  const transfer: Transferable[] = reply.bytes ? [reply.bytes.buffer as ArrayBuffer] : [];
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(reply, transfer);
};
