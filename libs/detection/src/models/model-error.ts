/**
 * A DetectorConfig (or a weights file) that cannot make a model: a user error. `field` is the
 * offending config path (`anchors.levels`, `model.backbone`) or the weights file / entry.
 */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
