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

/**
 * An Idempotency-Key already used with a different request body (the API answers 422): the key
 * names one request, and answering another with its result would hide the difference.
 */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was used before with a different body; use a new key for a new sweep`);
  }
}
