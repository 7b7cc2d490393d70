/**
 * Typed errors. Everything a user can get wrong (a config, a shape, a file) throws a subclass of
 * RnnscopeError whose message is one sentence: what is wrong, where, and what would be valid.
 * Front ends print `message` and exit with code 2; anything else is a bug and keeps its stack.
 */
export class RnnscopeError extends Error {
  override name = 'RnnscopeError';
}

/** A model, layer, loss or optimizer option out of range. */
export class ConfigError extends RnnscopeError {
  override name = 'ConfigError';
}

/** A tensor whose shape or contents do not fit (wrong h0 shape, NaN in the input, bad lengths). */
export class ShapeError extends RnnscopeError {
  override name = 'ShapeError';
}

/** A model file that is truncated, corrupt, or does not match the model it is loaded into. */
export class ModelFileError extends RnnscopeError {
  override name = 'ModelFileError';
}

/** A data file (CSV, JSON) that cannot be read as sequences. */
export class DataError extends RnnscopeError {
  override name = 'DataError';
}
