import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Paths served without a key and never counted as failed authentications: the load balancer's health probe. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health']);

/**
 * Paths reached without a key that check one themselves: the console's sign-in (POST /session),
 * whose wrong keys the failed-authentication limit counts like any other.
 */
export const SIGN_IN_PATHS: ReadonlySet<string> = new Set(['/session']);

/** Cookie a browser gets after signing in to the console (POST /session) or opening `/queues?api_key=…` or `/docs?api_key=…`, so its later requests carry the key. */
export const API_KEY_COOKIE = 'ablate_api_key';

/**
 * The browser pages that may be opened once with `?api_key=<key>` (a link cannot carry a header);
 * everywhere else a key in the URL would end up in logs and histories, so it is not accepted.
 */
export const BROWSER_PAGE_PREFIXES: readonly string[] = ['/docs', '/queues'];

function isBrowserPage(path: string): boolean {
  return BROWSER_PAGE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** What a request's key may do: `admin` keys (ABLATE_ADMIN_KEYS) may also change the queues from the dashboard. */
export type KeyRole = 'user' | 'admin';

/** Where the middleware leaves the role of the request's key, for later handlers (`res.locals`). */
export const KEY_ROLE_LOCAL = 'ablateKeyRole';

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

/** The key in the cookie header; a value that is not valid percent-encoding is no key (401, never a 500). */
function cookieToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== API_KEY_COOKIE) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return '';
    }
  }
  return undefined;
}

/**
 * Express middleware guarding every route but PUBLIC_PATHS, the dashboard and docs included:
 * `Authorization: Bearer <key>`; browsers may pass `?api_key=<key>` once on a GET of a browser
 * page (BROWSER_PAGE_PREFIXES; the key then travels in an HttpOnly cookie). Anything else is
 * answered 401 with a JSON body. The key's role is left in `res.locals[KEY_ROLE_LOCAL]`.
 */
export function apiKeyMiddleware(users: ApiKeyVerifier, admins: ApiKeyVerifier | null = null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (PUBLIC_PATHS.has(req.path) || SIGN_IN_PATHS.has(req.path)) return next();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const query = req.method === 'GET' && isBrowserPage(req.path) && typeof req.query['api_key'] === 'string' ? req.query['api_key'] : undefined;
    const token = bearer ?? query ?? cookieToken(req.headers.cookie);
    const admin = token !== undefined && admins !== null && admins.verify(token);
    if (token !== undefined && (admin || users.verify(token))) {
      res.locals[KEY_ROLE_LOCAL] = admin ? 'admin' : 'user';
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
