#!/usr/bin/env node
/**
 * `npm run -s parity -- CASE.json`: runs one case of the fixture format (tools/FIXTURES.md) and
 * prints rnnscope's result as JSON, so anyone with PyTorch can check rnnscope on their own cases.
 */
import { readFileSync } from 'node:fs';
import { runCase, type ParityCase } from './parity-case.js';
import { RnnscopeError } from '../src/errors.js';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: npm run -s parity -- CASE.json   (one case in the format of tools/FIXTURES.md)\n');
  process.exit(2);
}
let c: ParityCase;
try {
  c = JSON.parse(readFileSync(file, 'utf8')) as ParityCase;
} catch (e) {
  process.stderr.write(`parity: cannot read ${file}: ${(e as Error).message}\n`);
  process.exit(2);
}
try {
  const { expected: _ignored, ...input } = c as ParityCase & { expected?: unknown };
  process.stdout.write(JSON.stringify(runCase(input)) + '\n');
} catch (e) {
  if (e instanceof RnnscopeError || e instanceof TypeError) {
    process.stderr.write(`parity: ${file}: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
