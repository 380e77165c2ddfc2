import { mutateReturning } from '../sql';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm';
import { variedPaths, type PlannedRun, type SweepSpec } from '@ablate/jobs';
import { pgErrorCode } from '../data-source';
import { ConflictError, IdempotencyKeyReusedError, NotFoundError } from '../errors';
import { annotate, containsPattern, whereAnnotated, type AnnotatedFilter, type Annotations } from './annotations';
import { newQueuedRun } from './new-run';
import { ENDED_RUN_STATUSES, ENDED_SWEEP_STATUSES, RUN_STATUSES, RunEntity, SweepEntity, type RunStatus, type SweepStatus } from '../entities';

export interface NewSweep {
  spec: SweepSpec;
  /** `expandSweep(spec)`. */
  runs: PlannedRun[];
  /** The client's Idempotency-Key: a second create with the same key returns the first sweep. */
  idempotencyKey?: string | null;
}

export interface CreatedSweep {
  sweep: SweepEntity;
  /** In expansion order; `runs[i].id` is the BullMQ job id of run i. */
  runs: RunEntity[];
  /** false when the idempotency key matched an existing sweep (nothing was written). */
  created: boolean;
}

/** Where a sweep stands. */
export interface SweepProgress {
  total: number;
  byStatus: Record<RunStatus, number>;
  /** Runs in an ended status. */
  ended: number;
  /** Fraction of the sweep's work done, in [0, 1]: ended runs count 1, running runs step / totalSteps. */
  fraction: number;
  /**
   * Seconds until every run has ended, at the pace so far: remaining run-equivalents × mean
   * run time ÷ runs in parallel (at least 1). null until a run has finished or made progress.
   */
  etaSeconds: number | null;
}

export interface CancelOutcome {
  sweep: SweepEntity;
  /** Runs that were queued and are now 'cancelled': remove their jobs from the queue. */
  cancelledRunIds: string[];
  /** Runs that are running: flagged (`cancel_requested_at`), the worker stops them at their next step. */
  stoppingRunIds: string[];
}

const RUN_INSERT_CHUNK = 500;

/** Sweeps: creation with their runs, listing, progress, status rollup, cancellation. */
export class SweepRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Writes the sweep and all its runs in ONE transaction (all or nothing), with fresh uuids.
   * With an idempotency key already used, writes nothing and returns the first sweep
   * (`created: false`) — also when two requests race (the unique index decides).
   */
  async createWithRuns(input: NewSweep): Promise<CreatedSweep> {
    const key = input.idempotencyKey ?? null;
    const bodyHash = key === null ? null : specHash(input.spec);
    if (key !== null) {
      const existing = await this.existingByKey(key, bodyHash);
      if (existing) return existing;
    }
    const now = new Date();
    const sweep = this.newSweep(input.spec, input.runs.length, key, now);
    sweep.idempotencyBodySha256 = bodyHash;
    const runs = input.runs.map((run) => newSweepRun(sweep, run, now));
    try {
      await this.ds.transaction(async (m) => {
        await m.insert(SweepEntity, sweep as QueryDeepPartialEntity<SweepEntity>);
        for (let i = 0; i < runs.length; i += RUN_INSERT_CHUNK) await m.insert(RunEntity, runs.slice(i, i + RUN_INSERT_CHUNK) as QueryDeepPartialEntity<RunEntity>[]);
      });
    } catch (e) {
      if (key !== null && pgErrorCode(e) === '23505') {
        const existing = await this.existingByKey(key, bodyHash);
        if (existing) return existing;
      }
      throw e;
    }
    return { sweep, runs, created: true };
  }

  private newSweep(spec: SweepSpec, runCount: number, key: string | null, now: Date): SweepEntity {
    return Object.assign(new SweepEntity(), {
      id: randomUUID(),
      name: spec.name,
      description: spec.description ?? null,
      datasetTrain: spec.dataset.train,
      datasetVal: spec.dataset.val,
      // Tags and the note live in their own columns, which PATCH edits: a copy in `spec` would go stale.
      spec: specWithoutAnnotations(spec),
      // A random or sobol sweep's sampled paths: an ablation table's rows by default, as a grid's axes.
      variedPaths: variedPaths(spec),
      tags: spec.tags ?? [],
      note: spec.note ?? '',
      status: 'queued' as const,
      priority: spec.priority ?? null,
      runCount,
      idempotencyKey: key,
      idempotencyBodySha256: null,
      enqueuedAt: null,
      cancelRequestedAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    });
  }

  /** The sweep created with `key`, or null; IdempotencyKeyReusedError if it came with another body. */
  private async existingByKey(key: string, bodyHash: string | null): Promise<CreatedSweep | null> {
    const sweep = await this.ds.getRepository(SweepEntity).findOneBy({ idempotencyKey: key });
    if (!sweep) return null;
    if (sweep.idempotencyBodySha256 !== null && sweep.idempotencyBodySha256 !== bodyHash) throw new IdempotencyKeyReusedError(key);
    return { sweep, runs: await this.runsOf(sweep.id), created: false };
  }

  /** The sweep, or NotFoundError. */
  async get(id: string): Promise<SweepEntity> {
    const sweep = await this.ds.getRepository(SweepEntity).findOneBy({ id });
    if (!sweep) throw new NotFoundError('sweep', id);
    return sweep;
  }

  /** Newest first; only those carrying every tag of `tags`, in `status` and whose name contains `q` (case-insensitive), when given. */
  async list(options: { limit?: number; offset?: number; q?: string } & AnnotatedFilter = {}): Promise<SweepEntity[]> {
    const qb = this.ds.getRepository(SweepEntity).createQueryBuilder('s').orderBy('s.created_at', 'DESC').addOrderBy('s.id');
    whereAnnotated(qb, 's', options);
    if (options.q) qb.andWhere('s.name ILIKE :q', { q: containsPattern(options.q) });
    return qb.limit(options.limit ?? 50).offset(options.offset ?? 0).getMany();
  }

  /** Replaces the given tags and note (PATCH /sweeps/:id); the sweep as it is now, or NotFoundError. */
  async annotate(id: string, patch: Annotations): Promise<SweepEntity> {
    if (!(await annotate(this.ds, 'sweeps', id, patch))) throw new NotFoundError('sweep', id);
    return this.get(id);
  }

  /** Run counts by status for each of `sweepIds` (one query; for listings). */
  async statusCounts(sweepIds: string[]): Promise<Map<string, Record<RunStatus, number>>> {
    const out = new Map<string, Record<RunStatus, number>>();
    for (const id of sweepIds) out.set(id, Object.fromEntries(RUN_STATUSES.map((st) => [st, 0])) as Record<RunStatus, number>);
    if (sweepIds.length === 0) return out;
    const rows: { sweep_id: string; status: RunStatus; n: number }[] = await this.ds.query(
      `SELECT sweep_id, status, count(*)::int AS n FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY sweep_id, status`,
      [sweepIds],
    );
    for (const r of rows) out.get(r.sweep_id)![r.status] = r.n;
    return out;
  }

  /** The sweep's runs in expansion order. */
  async runsOf(sweepId: string): Promise<RunEntity[]> {
    return this.ds.getRepository(RunEntity).find({ where: { sweepId }, order: { index: 'ASC' } });
  }

  /** Records that the BullMQ flow was added (a resubmission re-adds it while this is null). */
  async markEnqueued(id: string): Promise<void> {
    await this.ds.getRepository(SweepEntity).update({ id }, { enqueuedAt: new Date() });
  }

  /** Counts by status, fraction done and ETA (see SweepProgress). */
  async progress(id: string): Promise<SweepProgress> {
    const rows: { status: RunStatus; frac: number | null; started: Date | null; finished: Date | null }[] = await this.ds.query(
      `SELECT status, step::float8 / greatest(total_steps, 1) AS frac, started_at AS started, finished_at AS finished
         FROM runs WHERE sweep_id = $1`,
      [id],
    );
    return computeProgress(rows, new Date());
  }

  /**
   * Rolls the sweep's status up from its runs, atomically: queued (no run started) → running →
   * once every run has ended, completed (no failure), completed_with_failures (some runs failed or
   * diverged) or failed (no run completed); cancelled after a cancel request (cancelling
   * meanwhile) or when each of its runs was cancelled one by one. Sets started_at / finished_at once. Returns the new status.
   */
  async refreshStatus(id: string, manager: EntityManager = this.ds.manager): Promise<SweepStatus> {
    const rows = await mutateReturning<{ status: SweepStatus }>(manager,
      `WITH c AS (
         SELECT count(*) AS total,
                count(*) FILTER (WHERE status IN ('completed', 'failed', 'diverged', 'cancelled', 'stopped')) AS ended,
                count(*) FILTER (WHERE status <> 'queued') AS touched,
                -- A run ASHA stopped at a rung ended as it should: it counts as a completed one.
                count(*) FILTER (WHERE status IN ('completed', 'stopped')) AS completed,
                count(*) FILTER (WHERE status IN ('failed', 'diverged')) AS failed
           FROM runs WHERE sweep_id = $1)
       UPDATE sweeps s SET
         status = CASE
           WHEN c.ended = c.total THEN (CASE
             WHEN s.cancel_requested_at IS NOT NULL THEN 'cancelled'
             WHEN c.failed = 0 AND c.completed = 0 THEN 'cancelled'
             WHEN c.failed = 0 THEN 'completed'
             WHEN c.completed = 0 THEN 'failed'
             ELSE 'completed_with_failures' END)
           WHEN s.cancel_requested_at IS NOT NULL THEN 'cancelling'
           WHEN c.touched > 0 THEN 'running'
           ELSE 'queued' END,
         started_at = CASE WHEN c.touched > 0 THEN coalesce(s.started_at, now()) ELSE s.started_at END,
         finished_at = CASE WHEN c.ended = c.total THEN coalesce(s.finished_at, now()) ELSE NULL END
       FROM c WHERE s.id = $1
       RETURNING s.status`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundError('sweep', id);
    return rows[0].status;
  }

  /**
   * Sweeps whose runs have all ended but whose status is not final (a roll-up lost to an outage):
   * refreshes each; returns their ids.
   */
  async refreshStale(): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT s.id FROM sweeps s
        WHERE s.status <> ALL($1::text[])
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.sweep_id = s.id AND r.status IN ('queued', 'running'))`,
      [ENDED_SWEEP_STATUSES],
    );
    for (const { id } of rows) await this.refreshStatus(id);
    return rows.map((r) => r.id);
  }

  /**
   * Cancels a sweep: queued runs become 'cancelled' at once, running runs get
   * `cancel_requested_at` (the worker polls `RunRepository.isCancelRequested` and ends them as
   * 'cancelled'). Idempotent while it runs; ConflictError (409) once the sweep has ended. The
   * caller removes the cancelled runs' jobs from the queue.
   */
  async requestCancel(id: string): Promise<CancelOutcome> {
    return this.ds.transaction(async (m) => {
      const updated = await mutateReturning(m,
        `UPDATE sweeps SET cancel_requested_at = coalesce(cancel_requested_at, now())
          WHERE id = $1 AND status <> ALL($2::text[]) RETURNING id`,
        [id, ENDED_SWEEP_STATUSES],
      );
      if (updated.length === 0) {
        // An ended sweep keeps the status its runs earned: cancelling it changes nothing.
        const sweep = await m.getRepository(SweepEntity).findOneBy({ id });
        if (!sweep) throw new NotFoundError('sweep', id);
        throw new ConflictError(`sweep ${id} has already ended (${sweep.status}): nothing to cancel`);
      }
      const cancelled = await mutateReturning<{ id: string }>(m,
        `UPDATE runs SET status = 'cancelled', finished_at = now(), updated_at = now(), cancel_requested_at = now(),
                error = 'cancelled before it started'
          WHERE sweep_id = $1 AND status = 'queued' RETURNING id`,
        [id],
      );
      const stopping = await mutateReturning<{ id: string }>(m,
        `UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, now()), updated_at = now()
          WHERE sweep_id = $1 AND status = 'running' RETURNING id`,
        [id],
      );
      await this.refreshStatus(id, m);
      const sweep = await m.getRepository(SweepEntity).findOneByOrFail({ id });
      return { sweep, cancelledRunIds: cancelled.map((r) => r.id), stoppingRunIds: stopping.map((r) => r.id) };
    });
  }
}

function newSweepRun(sweep: SweepEntity, run: PlannedRun, now: Date): RunEntity {
  return newQueuedRun(
    {
      sweepId: sweep.id,
      index: run.index,
      key: run.key,
      name: null,
      config: run.config,
      params: run.params,
      priority: sweep.priority,
    },
    now,
  );
}

function specWithoutAnnotations(spec: SweepSpec): Record<string, unknown> {
  const { tags: _tags, note: _note, ...rest } = spec;
  return rest as unknown as Record<string, unknown>;
}

/** SHA-256 of the spec's canonical JSON (keys sorted), so key order and whitespace do not matter. */
function specHash(spec: SweepSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const ENDED = new Set<RunStatus>(ENDED_RUN_STATUSES);

/** Pure part of `progress`: exported for tests. */
export function computeProgress(
  rows: { status: RunStatus; frac: number | null; started: Date | null; finished: Date | null }[],
  now: Date,
): SweepProgress {
  const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
  let done = 0;
  let running = 0;
  const durations: number[] = [];
  const paces: number[] = []; // seconds per whole run, estimated from running runs
  for (const row of rows) {
    byStatus[row.status] += 1;
    if (ENDED.has(row.status)) {
      done += 1;
      if (row.status === 'completed' && row.started && row.finished) durations.push((+row.finished - +row.started) / 1000);
    } else if (row.status === 'running') {
      running += 1;
      const frac = Math.min(1, row.frac ?? 0);
      done += frac;
      if (frac > 0 && row.started) paces.push((+now - +row.started) / 1000 / frac);
    }
  }
  const total = rows.length;
  const ended = RUN_STATUSES.filter((s) => ENDED.has(s)).reduce((n, s) => n + byStatus[s], 0);
  const perRun = mean(durations.length > 0 ? durations : paces);
  const remaining = total - done;
  const etaSeconds = remaining <= 0 ? 0 : perRun === null ? null : (remaining * perRun) / Math.max(1, running);
  return { total, byStatus, ended, fraction: total === 0 ? 1 : done / total, etaSeconds };
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}
