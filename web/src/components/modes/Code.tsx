/**
 * Code: this model in PyTorch (the module rnnscope's files load into) and in rnnscope, generated
 * from the current settings, the trained weights as a .safetensors file that the PyTorch code loads,
 * and a model file turned into ONNX in the page (the exporter loads on first use) with the lines of
 * onnxruntime that run it.
 */
import { useState } from 'preact/hooks';
import { session } from '../../store.js';
import { download } from '../../runner/runner.js';
import { classNames } from './text-words.js';
import { cliLine, fileName, onnxCode, onnxName, pytorchCode, rnnscopeCode } from '../../codegen.js';
import type { OnnxReply } from '../../onnx-worker.js';

/** The chosen model file as ONNX, saved under its name with .onnx; what is wrong with it, in a sentence, otherwise. */
async function toOnnx(file: File): Promise<string | null> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const worker = new Worker(new URL('../../onnx-worker.ts', import.meta.url), { type: 'module', name: 'rnnscope-onnx' });
  const reply = await new Promise<OnnxReply>((resolve) => {
    worker.onmessage = (ev: MessageEvent<OnnxReply>) => resolve(ev.data);
    worker.onerror = (ev) => resolve({ error: `the ONNX conversion stopped: ${ev.message}` });
    worker.postMessage({ bytes, name: file.name }, [bytes.buffer]);
  });
  worker.terminate();
  if (!reply.bytes) return reply.error ?? 'the ONNX conversion gave nothing';
  const url = URL.createObjectURL(new Blob([reply.bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = onnxName(file.name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return null;
}

function OnnxExport() {
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="toolbar">
      <label class="secondary">
        ONNX: convert a model file (the download above, or one from rnnscope train){' '}
        <input
          type="file"
          accept=".safetensors"
          data-testid="onnx-file"
          onChange={(ev) => {
            const f = (ev.currentTarget as HTMLInputElement).files?.[0];
            if (f) void toOnnx(f).then(setError);
          }}
        />
      </label>
      {error && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </div>
  );
}

export function Block({ title, code, lang, testId }: { title: string; code: string; lang: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <section class="code-block" aria-label={title}>
      <div class="code-head">
        <h3>{title}</h3>
        <button type="button" class="secondary small" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre tabIndex={0} data-testid={testId}>
        <code class={`language-${lang}`}>{code}</code>
      </pre>
    </section>
  );
}

export function Code() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const st = s.settings;
  const trained = s.history.length;
  const textCode = s.data.text ? { kind: s.data.text.kind, column: s.words?.column } : undefined;
  return (
    <div class="mode-code">
      <h2>The same model, in code</h2>
      <div class="toolbar">
        <button type="button" class="primary" onClick={download} disabled={s.source !== 'live'} data-testid="download">
          ⤓ Download the weights ({fileName(st)})
        </button>
        <span class="muted">
          {trained ? `after ${trained} epoch${trained === 1 ? '' : 's'}` : 'the initial weights (not trained yet)'}: the state_dict under
          PyTorch's names, with the config, classes and normalisation in its metadata.
        </span>
      </div>
      <Block
        title="PyTorch"
        lang="python"
        code={pytorchCode(st, s.model.options, classNames(s), s.model.parameters, textCode)}
        testId="code-pytorch"
      />
      <Block title="rnnscope (TypeScript, Node.js or the browser)" lang="ts" code={rnnscopeCode(st, textCode)} testId="code-rnnscope" />
      <Block title="rnnscope on the command line" lang="sh" code={cliLine(st, textCode)} testId="code-cli" />
      <OnnxExport />
      <Block
        title="ONNX, with onnxruntime-web or onnxruntime-node (rnnscope export --format onnx on the command line)"
        lang="js"
        code={onnxCode(s.model.options, onnxName(fileName(st)), classNames(s))}
        testId="code-onnx"
      />
      <p class="muted">State-dict names here: {s.model.tensors.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}.</p>
    </div>
  );
}
