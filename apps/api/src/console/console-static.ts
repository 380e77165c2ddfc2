import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Where `npm run build:web` writes the console (apps/web/dist). */
export const CONSOLE_DIST = join(__dirname, '..', '..', '..', 'web', 'dist');

/** The console's pages and assets: served without a key (they hold no data; every API call needs one). */
export function isConsolePath(path: string): boolean {
  return path === '/ui' || path.startsWith('/ui/');
}

/**
 * Serves the web console at /ui: the built assets, and index.html for every other path below it
 * (the console routes in the browser). A browser opening / is sent there. Before the build
 * exists, /ui says how to make it.
 */
export function mountConsole(app: INestApplication, dist = CONSOLE_DIST): void {
  const built = existsSync(join(dist, 'index.html'));
  app.use('/ui', built ? express.static(dist, { index: false, fallthrough: true, maxAge: '1h' }) : (_req: Request, _res: Response, next: NextFunction) => next());
  app.use('/ui', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!built) return res.status(503).type('text/plain').send('The web console is not built: run `npm run build:web` (npm ci does it).');
    res.set('Cache-Control', 'no-cache').sendFile(join(dist, 'index.html'));
  });
  app.use('/', (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && req.path === '/' && req.accepts(['json', 'html']) === 'html') return res.redirect(302, '/ui/');
    next();
  });
}
