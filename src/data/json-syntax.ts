/**
 * JSON text to a value, or a DataError saying where the text stops being JSON (line and column) and
 * what is wrong there. JSON.parse decides what is valid (and is fast); jsonc-parser, run strictly
 * (no comments, no trailing commas), finds where, because V8 does not always say.
 */
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { DataError } from '../errors.js';

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** Parses `text` (from `source`, a file name used in messages), which has no byte-order mark. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw syntaxError(text, source, e as Error);
  }
}

/** A JSON syntax error with the line and column where it happened. */
function syntaxError(text: string, source: string, e: Error): DataError {
  const pos = errorOffset(text) ?? Number(/position (\d+)/.exec(e.message)?.[1] ?? NaN);
  if (Number.isNaN(pos))
    return new DataError(`${source} is not valid JSON (${e.message}); check for a missing or extra comma, quote or bracket`);
  const before = text.slice(0, pos);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = pos - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  const rest = text.slice(pos);
  const nan = /^-?(NaN|Infinity)/.exec(rest);
  const what =
    pos >= text.length
      ? 'the text ends before the JSON does; check for a missing closing bracket, brace or quote'
      : nan
        ? `${nan[0]} is not a JSON value (Python's json.dumps writes it for a non-finite float); replace missing or infinite values with numbers before saving`
        : rest[0] === "'"
          ? 'unexpected "\'"; JSON strings and keys use double quotes'
          : `unexpected '${String.fromCodePoint(rest.codePointAt(0)!)}'; check for a missing or extra comma, quote or bracket just before it`;
  return new DataError(`${source} is not valid JSON at line ${line}, column ${column}: ${what}`);
}

/**
 * Offset of the first character of `text` that is not JSON: the earliest of jsonc-parser's errors,
 * which name a token, narrowed to the very character inside a bad token. null when it finds no error,
 * or the nesting is too deep for its recursion.
 */
export function errorOffset(text: string): number | null {
  let first: number | null = null;
  // Whether a value may start here: "nullx" there is wrong from its "x", elsewhere from its "n".
  let valueNext = true;
  const open: boolean[] = [];
  const onError = (error: ParseErrorCode, offset: number) => {
    const at = inToken(text, error, offset, valueNext);
    if (first === null || at < first) first = at;
  };
  const close = () => void ((valueNext = false), open.pop());
  try {
    visit(
      text,
      {
        onError,
        onArrayBegin: () => void ((valueNext = true), open.push(true)),
        onObjectBegin: () => void ((valueNext = false), open.push(false)),
        onArrayEnd: close,
        onObjectEnd: close,
        onLiteralValue: () => void (valueNext = false),
        onObjectProperty: () => void (valueNext = false),
        onSeparator: (c) => void (valueNext = c === ':' || open[open.length - 1] === true),
      },
      STRICT,
    );
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  return first;
}

// (jsonc-parser's error codes are a const enum, which a per-file compiler like the web build's cannot inline: hence their names)
const IN_WORD = new Set(['InvalidSymbol', 'UnexpectedEndOfNumber']);
const IN_STRING = new Set(['InvalidCharacter', 'InvalidEscapeCharacter', 'InvalidUnicode', 'UnexpectedEndOfString']);

/** Where the token at `offset` that jsonc-parser reports `error` for stops being JSON. */
function inToken(text: string, error: ParseErrorCode, offset: number, valueNext: boolean): number {
  const name = printParseErrorCode(error);
  if (IN_WORD.has(name) && valueNext) {
    // "nullx", "1.", "1e" where a value may start: the end of the longest value there
    LITERAL.lastIndex = offset;
    return LITERAL.test(text) ? LITERAL.lastIndex : offset;
  }
  return IN_STRING.has(name) ? badInString(text, offset) : offset;
}

/** The first character that breaks the string starting (with its quote) at `start`; its end when it is never closed. */
function badInString(text: string, start: number): number {
  let i = start + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) break;
    if (c < 32) return i;
    if (c !== 92) continue;
    const next = text[i + 1];
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
    else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++;
    else return i + 1;
  }
  return i;
}
