import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Paths served without a key: the load balancer's health probe. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health']);

/** Cookie a browser gets after opening `/queues?api_key=…` or `/docs?api_key=…`, so the dashboard's own requests carry the key. */
export const API_KEY_COOKIE = 'ablate_api_key';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Checks tokens against the configured keys in constant time: both sides are hashed to 32 bytes
 * (so lengths never differ) and compared with `timingSafeEqual`, and every key is compared even
 * after a match, so the time taken reveals neither the key nor which key matched.
 */
export class ApiKeyVerifier {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one API key is required');
    this.digests = keys.map(digest);
  }

  verify(token: string): boolean {
    const d = digest(token);
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(d, k) || ok;
    return ok;
  }
}

function cookieToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === API_KEY_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * Express middleware guarding every route but PUBLIC_PATHS, the dashboard and docs included:
 * `Authorization: Bearer <key>`; browsers may pass `?api_key=<key>` once on a GET (the key then
 * travels in an HttpOnly cookie). Anything else is answered 401 with a JSON body.
 */
export function apiKeyMiddleware(verifier: ApiKeyVerifier) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (PUBLIC_PATHS.has(req.path)) return next();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const query = req.method === 'GET' && typeof req.query['api_key'] === 'string' ? req.query['api_key'] : undefined;
    const token = bearer ?? query ?? cookieToken(req.headers.cookie);
    if (token !== undefined && verifier.verify(token)) {
      if (query !== undefined && bearer === undefined) {
        res.cookie(API_KEY_COOKIE, query, { httpOnly: true, sameSite: 'strict', path: '/' });
      }
      return next();
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="ablate"')
      .json({
        statusCode: 401,
        error: 'Unauthorized',
        message: token === undefined ? 'missing API key: send Authorization: Bearer <key>' : 'invalid API key',
      });
  };
}
