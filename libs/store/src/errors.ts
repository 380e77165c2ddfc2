/** A row the caller named does not exist (the API answers 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** The request conflicts with the row's state, e.g. evaluating a run with no checkpoint (the API answers 409). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
