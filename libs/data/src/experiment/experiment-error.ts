/**
 * A RunConfig that validates but does not fit its data (e.g. `model.numClasses` against the
 * dataset's categories): a user error naming the field.
 */
export class ExperimentError extends Error {
  override readonly name = 'ExperimentError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
