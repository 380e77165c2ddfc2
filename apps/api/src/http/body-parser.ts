import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { bodyShapeIssue } from './body-shape';
import { errorBody } from './http-errors';

/**
 * JSON body parsing with a size limit, answering parse failures itself: a body over the limit
 * → 413, malformed JSON → 400 naming `body`, a body nested too deep or holding text PostgreSQL
 * cannot store (NUL, lone surrogates) → 400 naming the field. (Express's default handler would
 * answer HTML, with a stack trace outside production.)
 */
export function jsonBodyParser(limit: string) {
  const parse = express.json({ limit });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      if (!err) {
        const issue = bodyShapeIssue(req.body);
        if (issue === null) return next();
        res.status(400).json(errorBody(400, `${issue.path}: ${issue.message}`, [issue]));
        return;
      }
      const e = err as { type?: string; status?: number; limit?: number };
      if (e.type === 'entity.too.large' || e.status === 413) {
        res.status(413).json(errorBody(413, `request body over the limit of ${limit}`));
      } else if (e.type === 'entity.parse.failed') {
        res.status(400).json(errorBody(400, 'body: malformed JSON', [{ path: 'body', message: 'malformed JSON' }]));
      } else {
        const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
        res.status(status).json(errorBody(status, 'body: unreadable request body'));
      }
    });
  };
}
