/** The class report's scores (issue 12): per class, macro and weighted, as scikit-learn's classification_report gives them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportOf } from '../src/train/class-report.js';

test("reportOf gives scikit-learn's classification_report for its documented example", () => {
  // sklearn.metrics.classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]): its docs print
  // precision 0.50 0.00 1.00, recall 1.00 0.00 0.67, F1 0.67 0.00 0.80, support 1 1 3,
  // macro avg 0.50 0.56 0.49, weighted avg 0.70 0.60 0.61.
  const r = reportOf([
    [1, 0, 0],
    [1, 0, 0],
    [0, 1, 2],
  ]);
  const two = (v: number) => Math.round(v * 100) / 100;
  assert.deepEqual(
    r.perClass.map((c) => [two(c.precision), two(c.recall), two(c.f1), c.support]),
    [
      [0.5, 1, 0.67, 1],
      [0, 0, 0, 1],
      [1, 0.67, 0.8, 3],
    ],
  );
  assert.deepEqual(Object.values(r.macro).map(two), [0.5, 0.56, 0.49]);
  assert.deepEqual(Object.values(r.weighted).map(two), [0.7, 0.6, 0.61]);
  assert.equal(r.macroF1, r.macro.f1);
  assert.equal(r.support, 5);
});

test('a class absent from the labels is left out of the averages, as scikit-learn does when given the labels present', () => {
  const r = reportOf([
    [2, 0, 1],
    [0, 0, 0],
    [0, 1, 1],
  ]);
  assert.equal(r.perClass[1]!.support, 0);
  assert.equal(r.macro.recall, (2 / 3 + 1 / 2) / 2);
  assert.equal(r.weighted.recall, (3 * (2 / 3) + 2 * (1 / 2)) / 5);
});
