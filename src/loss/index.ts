/** Losses with their gradients, as PyTorch's F.cross_entropy and F.mse_loss (reduction='mean'). */
export { crossEntropy, softmaxRows, argmaxRow, type CrossEntropyOptions } from './cross-entropy.js';
export { mse } from './mse.js';
