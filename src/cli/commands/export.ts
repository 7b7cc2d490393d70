/** `rnnscope export`: a model file as ONNX (for any runtime) or as a PyTorch project that trains on. */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { decodeModel } from '../../io/model.js';
import type { RunMeta } from '../../io/run-meta.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import { checkOutPath } from '../out-path.js';
import { encodeOnnx, ONNX_OPSET, onnxOptionsOf, onnxRefusal } from '../../export/onnx.js';
import { torchProject } from '../../export/torch.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { addJson } from '../options.js';
import { VERSION } from '../version.js';

interface ExportOpts {
  model: string;
  format?: 'onnx' | 'torch';
  out: string;
  force?: boolean;
  json?: boolean;
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('write a model file as ONNX (onnxruntime and other runtimes) or as a PyTorch project that trains on')
    .requiredOption('--model <file>', 'a model file from rnnscope train')
    .addOption(new Option('--format <fmt>', 'onnx, or torch (default: onnx when --out ends in .onnx)').choices(['onnx', 'torch']))
    .requiredOption('--out <path>', 'the .onnx file, or the directory of the PyTorch project')
    .option('--force', 'overwrite --out (or the project files in it) if it exists');
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
The ONNX model (opset ${ONNX_OPSET}) takes the raw features, as predict reads them, and the lengths:
  inputs "input" float32 [steps, batch, features] ([batch, steps, features] if batch-first) and
  "lengths" int32 [batch]; output "logits", as the PyTorch module gives them.

Examples:
  rnnscope export --model model.safetensors --format onnx --out model.onnx
  rnnscope export --model model.safetensors --format torch --out model-torch
  cd model-torch && torchrun --nproc_per_node 2 train.py --data data.json --epochs 10`,
  );
  cmd.action(async (o: ExportOpts) => {
    const out = makeOutput(!!o.json);
    const format = o.format ?? (o.out.toLowerCase().endsWith('.onnx') ? 'onnx' : undefined);
    if (!format) throw new ConfigError(`give --format onnx or --format torch (--out ${o.out} does not end in .onnx)`);
    const bytes = await readModelBytes(o.model);
    const { model, meta } = decodeModel(bytes, o.model);
    if (format === 'onnx') {
      const refusal = onnxRefusal(model);
      if (refusal) throw new ConfigError(`${o.model}: ${refusal}`);
      checkOutPath(o.out, { force: !!o.force });
      const onnx = encodeOnnx(model, { ...onnxOptionsOf(meta), producerVersion: VERSION });
      await writeFileAtomic(o.out, onnx, { force: o.force });
      out.event({ type: 'export', format, out: o.out, bytes: onnx.length, opset: ONNX_OPSET, files: [o.out] });
      out.print(
        `Wrote ${o.out} (${onnx.length} bytes, ONNX opset ${ONNX_OPSET}): inputs "input" (${model.options.vocabSize !== undefined ? 'int64 token ids' : 'raw features'}${model.options.batchFirst ? ', batch-first' : ''}) and "lengths", output "${(meta as RunMeta).regression ? 'values' : 'logits'}".`,
      );
      return;
    }
    const files = torchProject(bytes, model, meta);
    if (existsSync(o.out)) {
      if (!statSync(o.out).isDirectory())
        throw new ConfigError(`cannot write the project to ${o.out}: it is a file; give a directory with --out`);
      // every file checked before any is written: a project is not left half overwritten
      for (const f of files)
        checkOutPath(join(o.out, f.name), { force: !!o.force, existsHint: "pass --force to overwrite the project's files" });
    } else {
      if (!existsSync(dirname(o.out))) throw new ConfigError(`cannot make ${o.out}: the directory ${dirname(o.out)} does not exist`);
      try {
        mkdirSync(o.out);
      } catch (e) {
        throw new ConfigError(
          `cannot make ${o.out}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'a symbolic link to nowhere is there' : (e as Error).message}`,
        );
      }
    }
    for (const f of files) await writeFileAtomic(join(o.out, f.name), f.bytes ?? new TextEncoder().encode(f.text!), { force: o.force });
    const names = files.map((f) => f.name);
    out.event({ type: 'export', format, out: o.out, files: names, entries: readdirSync(o.out).length });
    const data = names.includes('data.json') ? 'data.json' : 'YOUR_DATA.csv';
    out.print(`Wrote ${o.out}/: ${names.join(', ')}.\nNext: cd ${o.out} && torchrun --nproc_per_node 2 train.py --data ${data}`);
  });
}
