import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { PUBLIC_PATHS } from './api-key';

/**
 * Limits guessing keys: a client (by IP) whose requests were refused with 401 more than
 * `perMinute` times in a minute gets 429 with Retry-After for every request until the minute
 * is over, right key or not — otherwise the limit would not slow a guesser down. Requests that
 * pass authentication are not counted. Mounted before the API-key middleware.
 */
export function failedAuthLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skip: (req) => PUBLIC_PATHS.has(req.path),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ statusCode: 429, error: 'Too Many Requests', message: `more than ${perMinute} failed authentications in a minute from this address; retry later` });
    },
  });
}
