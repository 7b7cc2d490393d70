#!/usr/bin/env node
/**
 * Joins the module's WebAssembly text into one module and compiles it with wabt (a devDependency):
 * src/tensor/wasm/gemm.wat (the memory and the GEMM), src/tensor/wasm/activations.wat,
 * src/loss/cross-entropy.wat (the loss over float32 rows), and each
 * cell's kernels, src/nn/cells/*.wat, so one memory and one packed W_hh serve them all. Writes
 * src/tensor/wasm/module-bytes.ts, which embeds the module as base64 so that Node and browsers load
 * it without fetch. The generated file is committed: a plain `tsc` build does not need this script.
 *
 *   npm run build:wasm            regenerate
 *   npm run build:wasm -- --check exit 1 when the committed file is out of date (for CI or a hook)
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import initWabt from 'wabt';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cells = path.join(root, 'src/nn/cells');
const sources = [
  'src/tensor/wasm/gemm.wat',
  'src/tensor/wasm/activations.wat',
  'src/loss/cross-entropy.wat',
  // a new cell's .wat beside its .ts joins the module with no other change
  ...(await readdir(cells))
    .filter((f) => f.endsWith('.wat'))
    .sort()
    .map((f) => `src/nn/cells/${f}`),
];
const out = path.join(root, 'src/tensor/wasm/module-bytes.ts');

const wabt = await initWabt();
// Each source is a list of module fields; one (module ...) around them all.
const parts = await Promise.all(sources.map(async (s) => `;; ---- ${s}\n${await readFile(path.join(root, s), 'utf8')}`));
const joined = parts.join('\n');

/** The end (exclusive) of the s-expression that opens at text[i] === '('. */
function closing(src, i) {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    if (src[j] === '(') depth++;
    else if (src[j] === ')' && --depth === 0) return j + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${i}`);
}

/**
 * The text with the calls of each function marked `;; @inline-calls` (on the line before it) written
 * out in place: a call of a function of one v128 parameter and a v128 result, (call $f ARG), becomes
 * `(block (result v128) (local.set $f__v ARG) BODY)`, its parameter and locals renamed $f__* and declared
 * in the caller, and so on for the calls in BODY. V8 calls such a function through a jump table, its
 * vectors spilled around each call; written out, a loop of activations has neither (lstm-infer.wat's
 * cells). The arithmetic is the same instructions in the same order.
 */
function inlineCalls(src) {
  /** Each function of one v128 parameter and a v128 result: its parameter, its locals, its body. */
  const fns = new Map();
  for (const m of src.matchAll(/\(func \$(\w+) \(param (\$\w+) v128\) \(result v128\)/g)) {
    const end = closing(src, m.index);
    let body = src.slice(m.index + m[0].length, end - 1).replace(/;;[^\n]*/g, '');
    const locals = [m[2]];
    body = body.replace(/^\s*(\(local \$\w+ v128\)\s*)+/, (decls) => {
      for (const d of decls.matchAll(/\(local (\$\w+) v128\)/g)) locals.push(d[1]);
      return '';
    });
    fns.set(m[1], { param: m[2], locals, body });
  }
  /** expr with every call of such a function written out; the locals it needs added to `need`. */
  const expand = (expr, need) => {
    for (let i; (i = expr.search(/\(call \$(\w+) /)) >= 0;) {
      const name = /^\(call \$(\w+) /.exec(expr.slice(i))[1];
      const f = fns.get(name);
      if (!f) throw new Error(`@inline-calls: $${name} is not a function of one v128 parameter and a v128 result`);
      const end = closing(expr, i);
      const arg = expr.slice(i + `(call $${name} `.length, end - 1);
      let body = f.body;
      for (const l of f.locals) body = body.replaceAll(new RegExp(`\\${l}\\b`, 'g'), `$${name}__${l.slice(1)}`);
      for (const l of f.locals) need.add(`$${name}__${l.slice(1)}`);
      body = expand(body, need);
      expr = `${expr.slice(0, i)}(block (result v128) (local.set $${name}__${f.param.slice(1)} ${arg}) ${body.trim()})${expr.slice(end)}`;
    }
    return expr;
  };
  let out = src;
  for (let at; (at = out.indexOf(';; @inline-calls')) >= 0;) {
    const start = out.indexOf('(func ', at);
    const end = closing(out, start);
    const need = new Set();
    const fn = expand(out.slice(start, end), need);
    // the new locals go after the caller's own declarations (before its first instruction)
    const decl = [...need].map((l) => `(local ${l} v128)`).join(' ');
    const firstInstr = fn.search(/\)\s*\n\s*\((?!local |param |result )/) + 1;
    out = `${out.slice(0, at)};; (inlined)${out.slice(at + ';; @inline-calls'.length, start)}${fn.slice(0, firstInstr)} ${decl}${fn.slice(firstInstr)}${out.slice(end)}`;
  }
  return out;
}
const text = inlineCalls(joined);

/**
 * The module's text for one build. The functions between an "@fma-twin begin" and "end" line (gemm.wat's
 * tiles, lstm-infer.wat's dot2) get twins named $<name>_fma, each `acc + x * b` of theirs (accumulators
 * named $cNN) written `f32x4.relaxed_madd x b acc` (a fused multiply-add where the CPU has FMA), and
 * the caller chooses per call with `(if (local.get $fma) (then fused call) (else plain call))`. Without
 * relaxed SIMD there are no twins and each such `if` becomes its else branch: the plain module, its
 * arithmetic unchanged.
 */
function build(fused) {
  if (!fused) {
    let out = text;
    for (let i; (i = out.indexOf('(if (local.get $fma)')) >= 0;) {
      const end = closing(out, i);
      const e = out.indexOf('(else ', i);
      if (e < 0 || e > end) throw new Error('an (if (local.get $fma) ...) without its else branch');
      const call = out.indexOf('(', e + 1);
      out = out.slice(0, i) + out.slice(call, closing(out, call)) + out.slice(end);
    }
    return out;
  }
  const twins = [...text.matchAll(/;; @fma-twin begin[^\n]*\n([\s\S]*?);; @fma-twin end/g)];
  if (twins.length === 0) throw new Error('no @fma-twin section');
  const unfused = /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul (\(local\.get \$\w+\)) (\(local\.get \$\w+\))\)\)/g;
  const copy = twins
    .map(([, section]) => {
      // every multiply-add of the section's accumulators ($cNN) must be of the form fused here
      const want = section.split('(f32x4.add (local.get $c').length - 1;
      let n = 0;
      const out = section
        .replace(/\(func \$(\w+)/g, '(func $$$1_fma')
        .replace(unfused, (_, acc, x, b) => (n++, `(f32x4.relaxed_madd ${x} ${b} (local.get ${acc}))`));
      if (n === 0 || n !== want) throw new Error(`an @fma-twin section has ${want} multiply-adds, ${n} of the fusable form`);
      return out;
    })
    .join('\n');
  return `${text}\n;; ---- the fused twins (tools/build-wasm.mjs)\n${copy}`;
}

function compile(src, features) {
  const mod = wabt.parseWat('rnnscope.wat', `(module\n${src}\n)\n`, features);
  mod.validate();
  const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
  mod.destroy();
  return buffer;
}
const buffer = compile(build(false), { simd: true });
if (!WebAssembly.validate(buffer)) throw new Error('the module compiled to bytes this Node cannot validate');
// with the fused twins, for runtimes with relaxed SIMD (module.ts chooses at load time)
const relaxed = compile(build(true), { simd: true, relaxed_simd: true });

const base64Lines = (bytes) =>
  (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,100}/g) ?? []
  )
    .map((l) => `  '${l}'`)
    .join(' +\n');
const ts = `// Generated by tools/build-wasm.mjs from ${sources.map((s) => path.basename(s)).join(', ')} (${buffer.length} and ${relaxed.length} bytes).
// Do not edit; run \`npm run build:wasm\`.
export const WASM_MODULE_BASE64 =
${base64Lines(buffer)};

/** The same module with the GEMM's fused-multiply-add tiles (relaxed SIMD), where the runtime validates it. */
export const WASM_RELAXED_MODULE_BASE64 =
${base64Lines(relaxed)};
`;
if (process.argv.includes('--check')) {
  const old = await readFile(out, 'utf8').catch(() => '');
  if (old !== ts) {
    console.error(`${path.relative(root, out)} is out of date: run npm run build:wasm`);
    process.exit(1);
  }
  console.log(`${path.relative(root, out)} is up to date`);
} else {
  await writeFile(out, ts);
  console.log(`wrote ${path.relative(root, out)}: ${buffer.length} bytes of wasm, ${relaxed.length} with relaxed SIMD`);
}
