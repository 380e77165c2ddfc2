import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { ValidationError, type FieldIssue } from '@ablate/jobs';
import { AblationQueryError, ConflictError, IdempotencyKeyReusedError, NotFoundError } from '@ablate/store';

/** Body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** For 400s: each offending field (dotted path) and what is wrong with it. */
  issues?: FieldIssue[];
  /** For /health's 503: every dependency with its state (Terminus' `details`). */
  details?: Record<string, unknown>;
}

/** The body @nestjs/terminus puts in the 503 of a failed health check. */
interface HealthCheckFailure {
  status: 'error';
  error: Record<string, { message?: string }>;
  details: Record<string, unknown>;
}

function isHealthCheckFailure(response: unknown): response is HealthCheckFailure {
  const r = response as Partial<HealthCheckFailure> | null;
  return typeof r === 'object' && r !== null && r.status === 'error' && typeof r.details === 'object' && typeof r.error === 'object';
}

/** `down: redis (connect ECONNREFUSED …), reconciler` — which dependency failed, in the message itself. */
function healthMessage(failure: HealthCheckFailure): string {
  const down = Object.entries(failure.error).map(([name, state]) => (state?.message ? `${name} (${state.message})` : name));
  return `down: ${down.join(', ')}`;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function errorBody(statusCode: number, message: string, issues?: FieldIssue[]): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

/** Maps any thrown error to an ErrorBody: typed user errors → 4xx naming the field; anything else → a bare 500 (logged, never the stack). */
export function toErrorBody(e: unknown): ErrorBody {
  if (e instanceof ValidationError) return errorBody(400, e.message, e.issues);
  if (e instanceof AblationQueryError) return errorBody(400, e.message, [{ path: e.field, message: e.message.slice(e.field.length + 2) }]);
  if (e instanceof NotFoundError) return errorBody(404, e.message);
  if (e instanceof ConflictError) return errorBody(409, e.message);
  if (e instanceof IdempotencyKeyReusedError) return errorBody(422, e.message, [{ path: 'headers.idempotency-key', message: 'used before with a different body' }]);
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const response = e.getResponse();
    if (isHealthCheckFailure(response)) return { ...errorBody(status, healthMessage(response)), details: response.details };
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message).join('; ')
          : String((response as { message?: unknown }).message ?? e.message);
    return errorBody(status, message);
  }
  return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'internal server error');
}

/** The one exception filter: every error leaves as JSON ErrorBody. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}
