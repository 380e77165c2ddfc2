import type { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { KEY_ROLE_LOCAL } from '../auth/api-key';
import type { QueueService } from '../queue/queue.service';

/**
 * Dashboard routes refused to everyone, admins included: they would make a job's data or a new
 * job diverge from the run's row in PostgreSQL (a run that trains γ=5 while the store says γ=0).
 */
const ROUTES_NO_ONE_MAY_USE = [/\/api\/queues\/[^/]+\/[^/]+\/update-data$/, /\/api\/queues\/[^/]+\/add$/];

type JobLike = { name?: string; data?: Record<string, unknown> };

/**
 * What the dashboard calls a job: the run it trains (`train γ=2 α=0.25 seed 0`), not a bare UUID.
 * Read from the job's data, which no one can edit through the dashboard.
 */
export function dashboardJobName(job: JobLike): string {
  const data = job.data ?? {};
  const config = data['config'] as { loss?: { gamma?: number; alpha?: number }; model?: { arch?: string }; seed?: number } | undefined;
  if (job.name === 'train' && config) {
    const arch = config.model?.arch && config.model.arch !== 'retinanet' ? `${config.model.arch} ` : '';
    return `train ${arch}γ=${config.loss?.gamma} α=${config.loss?.alpha} seed ${config.seed ?? 0}`;
  }
  if (job.name === 'evaluate') return `evaluate run ${String(data['runId']).slice(0, 8)} step ${String(data['step'])}`;
  if (job.name === 'sweep') return `sweep ${String(data['sweepId']).slice(0, 8)}`;
  return job.name ?? '';
}

function adapters(queues: Queue[], readOnlyMode: boolean): BullMQAdapter[] {
  return queues.map((q) => {
    const adapter = new BullMQAdapter(q, { readOnlyMode, allowRetries: !readOnlyMode });
    adapter.setFormatter('name', (job: JobLike) => dashboardJobName(job));
    return adapter;
  });
}

function board(app: INestApplication, basePath: string, queues: Queue[], readOnlyMode: boolean): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: adapters(queues, readOnlyMode),
    // @bull-board/express 9.10.1 pins its own @bull-board/api 9.10.1; the adapter interface is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  app.use(basePath, serverAdapter.getRouter());
}

function forbidden(res: Response, message: string): void {
  res.status(403).json({ statusCode: 403, error: 'Forbidden', message });
}

/**
 * bull-board over the three queues, behind the API-key middleware like every route:
 * - `/queues`: read-only for every key (bull-board refuses its mutating routes with 405);
 * - `/queues/admin`: retry, clean, pause, empty … for admin keys (ABLATE_ADMIN_KEYS) only, 403
 *   for others; a queue an admin empties is repaired by the API's reconciler.
 * Editing a job's data or adding a job is refused on both.
 */
export function mountBullBoard(app: INestApplication, queues: QueueService, basePath = '/queues'): void {
  const all = Object.values(queues.queues);
  const adminPath = `${basePath}/admin`;
  app.use(basePath, (req: Request, res: Response, next: NextFunction) => {
    if (ROUTES_NO_ONE_MAY_USE.some((r) => r.test(req.path))) return forbidden(res, 'editing job data or adding jobs would make a job diverge from its run');
    const underAdmin = req.baseUrl + req.path === adminPath || (req.baseUrl + req.path).startsWith(`${adminPath}/`);
    if (underAdmin && res.locals[KEY_ROLE_LOCAL] !== 'admin') return forbidden(res, 'the queue administration dashboard needs an admin key (ABLATE_ADMIN_KEYS)');
    next();
  });
  // The admin board first: Express matches /queues/admin before the read-only board sees it.
  board(app, adminPath, all, false);
  board(app, basePath, all, true);
}
