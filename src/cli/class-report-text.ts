/** The text of a class report: per-class scores and the confusion matrix, within the terminal's width. */
import type { ClassReport } from '../train/class-report.js';
import { num } from '../format.js';

/** Lines of the report; class names are cut so the matrix fits `width` columns. */
export function classReportLines(r: ClassReport, classes: readonly string[], width = 80): string[] {
  const C = classes.length;
  const cell = Math.max(6, ...r.confusion.flat().map((v) => String(v).length + 1));
  // The name column and C count columns share the width; names are cut to what is left.
  const nameW = Math.max(6, Math.min(20, width - 4 - 12 - C * cell, ...classes.map((c) => c.length)));
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const pad = (s: string, w: number) => cut(s, w).padEnd(w);
  const lines = [
    `  Per class on the test split (macro F1 ${num(r.macroF1, 3)}); always answering the`,
    `  commonest training class scores ${num(r.majority, 3)} on it:`,
    `    ${pad('class', nameW)}  precision  recall     F1  support`,
    ...r.perClass.map(
      (c) =>
        `    ${pad(classes[c.class]!, nameW)}  ${num(c.precision, 3).padStart(9)}  ${num(c.recall, 3).padStart(6)}  ${num(c.f1, 3).padStart(5)}  ${String(c.support).padStart(7)}`,
    ),
  ];
  if (4 + nameW + C * cell <= width) {
    lines.push(`  Confusion matrix (rows: true class, columns: predicted):`);
    lines.push(`    ${' '.repeat(nameW)}${classes.map((c) => cut(c, cell - 1).padStart(cell)).join('')}`);
    r.confusion.forEach((row, k) => lines.push(`    ${pad(classes[k]!, nameW)}${row.map((v) => String(v).padStart(cell)).join('')}`));
  } else {
    lines.push(`  Confusion matrix: ${C} classes are too many for ${width} columns; --json has it (class_report.confusion).`);
  }
  return lines;
}
