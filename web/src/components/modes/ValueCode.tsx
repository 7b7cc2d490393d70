/**
 * Code on a model of values: the forecaster of this page in PyTorch (nn.MSELoss on the standardised
 * target, the prediction back in the target's units), in rnnscope, and on the command line, from the
 * current settings and windowing (web/src/codegen-values.ts).
 */
import type { ValueState } from '../../runner/protocol.js';
import { valuesCliLine, valuesPytorchCode, valuesRnnscopeCode } from '../../codegen-values.js';
import { Block } from './Code.js';

export function ValueCode({ v }: { v: ValueState }) {
  return (
    <div class="mode-code">
      <h2>The same forecaster, in code</h2>
      <p class="muted">
        The same windows ({v.window} steps of {v.windowing.columns.join(', ')}, relative to each window's last value), the same split in
        time, the same standardisation (the target's mean and standard deviation on the training windows, saved in the model file), the same
        loss (mean squared error on the standardised target) and training.
      </p>
      <Block title="PyTorch" lang="python" code={valuesPytorchCode(v, v.model.options)} testId="code-pytorch" />
      <Block title="rnnscope (TypeScript, Node.js or the browser)" lang="ts" code={valuesRnnscopeCode(v)} testId="code-rnnscope" />
      <Block title="rnnscope on the command line" lang="sh" code={valuesCliLine(v)} testId="code-cli" />
    </div>
  );
}
