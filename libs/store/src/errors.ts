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

/** Socket-level failures: the server is not there (yet) or went away mid-request. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart). */
const UNAVAILABLE_SQLSTATE = /^(08|57P)/;
/** What node-postgres says when a connection dies under it (no code attached). */
const TERMINATED = /Connection terminated|connection (is )?closed|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

/**
 * Whether an error means PostgreSQL could not be reached — an outage to wait out, not a fault of
 * the work that was being done. Looks through TypeORM's QueryFailedError (`driverError`) and
 * `cause` chains.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && TERMINATED.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}
