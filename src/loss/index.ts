/** Losses with their gradients, as PyTorch's F.cross_entropy, F.mse_loss, F.l1_loss, F.huber_loss and F.smooth_l1_loss (reduction='mean'). */
export { crossEntropy, softmaxRows, argmaxRow, type CrossEntropyOptions } from './cross-entropy.js';
export { mse } from './mse.js';
export { l1 } from './l1.js';
export { huber } from './huber.js';
export { smoothL1 } from './smooth-l1.js';
export { regressionLoss, REGRESSION_LOSSES, type RegressionLossName, type RegressionLossSpec } from './regression.js';
