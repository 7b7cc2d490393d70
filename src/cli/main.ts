#!/usr/bin/env node
/**
 * rnnscope's main job (for now): train the seed's pipeline (10 steps x 5 features -> RNN tanh,
 * 8 hidden -> Linear -> 10 x 3) on the built-in "trend" task and print the loss per epoch.
 */
import { SequenceModel } from '../nn/model.js';
import { trend } from '../data/tasks.js';
import { applyNormalization, fitNormalization, split } from '../data/dataset.js';
import { Trainer } from '../train/trainer.js';
import { evaluate } from '../train/evaluate.js';
import { Rng } from '../tensor/rng.js';

const seed = 0;
const ds = trend.generate(seed);
const parts = split(ds.sequences, new Rng(seed));
const norm = fitNormalization(parts.train, ds.features.length);
const [train, val, test] = [parts.train, parts.val, parts.test].map((s) => applyNormalization(s, norm));
const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: 5, hiddenSize: 8, numClasses: 3 }, { seed });
console.log(`task ${ds.name}: ${ds.description}`);
console.log(`model: 10 steps x 5 features -> RNN tanh, 8 hidden -> Linear 8 -> 3 on every step (${model.parameterCount} parameters)`);
for (const e of new Trainer(model, train, val, { seed }).run()) {
  if (e.type === 'epoch') {
    console.log(`epoch ${e.epoch}  loss ${e.loss.toFixed(4)}  train acc ${e.trainAccuracy.toFixed(3)}  held-out acc ${e.valAccuracy.toFixed(3)}  ${e.observation.text}`);
  } else if (e.type === 'train_end') {
    console.log(`${e.message} in ${e.seconds.toFixed(2)} s; test accuracy ${evaluate(model, test).accuracy.toFixed(3)}`);
  }
}
