/**
 * Code: this model in PyTorch (the module rnnscope's files load into) and in rnnscope, generated
 * from the current settings, and the trained weights as a .safetensors file that the PyTorch code loads.
 */
import { useState } from 'preact/hooks';
import { session } from '../../store.js';
import { download } from '../../runner/runner.js';
import { cliLine, fileName, pytorchCode, rnnscopeCode } from '../../codegen.js';

function Block({ title, code, lang, testId }: { title: string; code: string; lang: string; testId: string }) {
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
        code={pytorchCode(st, s.model.options, s.data.classes, s.model.parameters)}
        testId="code-pytorch"
      />
      <Block title="rnnscope (TypeScript, Node.js or the browser)" lang="ts" code={rnnscopeCode(st)} testId="code-rnnscope" />
      <Block title="rnnscope on the command line" lang="sh" code={cliLine(st)} testId="code-cli" />
      <p class="muted">State-dict names here: {s.model.tensors.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}.</p>
    </div>
  );
}
