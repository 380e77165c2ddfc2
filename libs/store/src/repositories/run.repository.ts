import { mutateReturning } from '../sql';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm';
import type { RunConfig } from '@ablate/detection';
import { ConflictError, NotFoundError } from '../errors';
import { RUN_STATUSES, RunAttemptEntity, RunEntity, type EndedRunStatus, type RunStatus } from '../entities';
import type { RunCategory, RunReproducibility } from '../entities/run.entity';
import type { SweepRepository } from './sweep.repository';
import { annotate, whereAnnotated, type AnnotatedFilter, type Annotations } from './annotations';
import { newQueuedRun } from './new-run';

/** Where an attempt runs (all recorded on the run and its attempt row). */
export interface AttemptInfo {
  /** 1 for the first start; a retry, a stalled-job recovery or a requeue after SIGTERM count up. */
  attempt: number;
  host: string;
  pid: number;
  /** tfjs backend name: 'tensorflow', 'wasm', 'cpu'. */
  backend: string;
  /** Human-readable device: 'gpu (…)', 'cpu (@tensorflow/tfjs-backend-wasm 4.22.0, 1 thread, SIMD)'. */
  device: string;
  /**
   * Step of the checkpoint this attempt resumes from (0 for a fresh start); recorded as the
   * attempt's `start_step`, and the run's step is reset to it. @defaultValue the run's last recorded step
   */
  startStep?: number;
}

export interface RunProgressUpdate {
  /** Last completed step. */
  step: number;
  loss?: number | null;
  imagesPerSecond?: number | null;
}

export interface RunEnd {
  /** Message of the failure or divergence; null for a clean end. */
  error?: string | null;
  /** Last completed step. @defaultValue the last recorded step */
  step?: number;
}

/** Runs: creation of a lone run, the worker's lifecycle calls, and lookups. */
export class RunRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly sweeps: SweepRepository,
  ) {}

  /** A run outside any sweep (POST /runs). */
  async createLone(input: { name?: string | null; config: RunConfig; priority?: number | null }): Promise<RunEntity> {
    const now = new Date();
    const run = newQueuedRun(
      {
        sweepId: null,
        index: 0,
        key: `seed=${input.config.seed}`,
        name: input.name ?? null,
        config: input.config,
        params: {},
        priority: input.priority ?? null,
      },
      now,
    );
    await this.ds.getRepository(RunEntity).insert(run as QueryDeepPartialEntity<RunEntity>);
    return run;
  }

  /** The run, or NotFoundError. */
  async get(id: string): Promise<RunEntity> {
    const run = await this.ds.getRepository(RunEntity).findOneBy({ id });
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  /** Newest first (a sweep's in expansion order); only a sweep's, carrying every tag of `tags`, in `status`, when given. */
  async list(options: { limit?: number; offset?: number; sweepId?: string } & AnnotatedFilter = {}): Promise<RunEntity[]> {
    const qb = this.ds.getRepository(RunEntity).createQueryBuilder('r').orderBy('r.created_at', 'DESC').addOrderBy('r.index').addOrderBy('r.id');
    whereAnnotated(qb, 'r', options);
    if (options.sweepId) qb.andWhere('r.sweep_id = :sweepId', { sweepId: options.sweepId });
    return qb.limit(options.limit ?? 50).offset(options.offset ?? 0).getMany();
  }

  /** Replaces the given tags and note (PATCH /runs/:id); the run as it is now, or NotFoundError. */
  async annotate(id: string, patch: Annotations): Promise<RunEntity> {
    if (!(await annotate(this.ds, 'runs', id, patch))) throw new NotFoundError('run', id);
    return this.get(id);
  }

  /** Attempts in order. */
  async attemptsOf(runId: string): Promise<RunAttemptEntity[]> {
    return this.ds.getRepository(RunAttemptEntity).find({ where: { runId }, order: { attempt: 'ASC' } });
  }

  /**
   * Called by the worker when it takes a train job. Marks the run 'running', records the worker
   * (host, pid, backend, device) on the run and as attempt `info.attempt` (a replayed attempt
   * number overwrites its row), and rolls the sweep up.
   *
   * Returns null — and the worker must NOT train — when the run has already ended (e.g. it was
   * cancelled while queued, or completed by an earlier attempt) or a cancel was requested; a
   * run with a pending cancel request is ended as 'cancelled' here.
   */
  async markRunStarted(runId: string, info: AttemptInfo): Promise<RunEntity | null> {
    const outcome = await this.ds.transaction(async (m) => {
      const run = await m.getRepository(RunEntity).findOne({ where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw new NotFoundError('run', runId);
      if (ENDED.has(run.status)) return { run: null, sweepId: run.sweepId };
      if (run.cancelRequestedAt) {
        await m.query(
          `UPDATE runs SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1`,
          [runId],
        );
        return { run: null, sweepId: run.sweepId };
      }
      const startStep = info.startStep ?? run.step;
      await m.query(
        `UPDATE runs SET status = 'running', attempts = greatest(attempts, $2), worker_host = $3, worker_pid = $4,
                backend = $5, device = $6, started_at = coalesce(started_at, now()), updated_at = now(), error = NULL,
                step = $7
          WHERE id = $1`,
        [runId, info.attempt, info.host, info.pid, info.backend, info.device, startStep],
      );
      await m.query(
        `INSERT INTO run_attempts (run_id, attempt, worker_host, worker_pid, backend, device, status, start_step)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)
         ON CONFLICT (run_id, attempt) DO UPDATE SET worker_host = EXCLUDED.worker_host, worker_pid = EXCLUDED.worker_pid,
           backend = EXCLUDED.backend, device = EXCLUDED.device, status = 'running', start_step = EXCLUDED.start_step,
           end_step = NULL, error = NULL, started_at = now(), ended_at = NULL`,
        [runId, info.attempt, info.host, info.pid, info.backend, info.device, startStep],
      );
      return { run: await m.getRepository(RunEntity).findOneByOrFail({ id: runId }), sweepId: run.sweepId };
    });
    if (outcome.sweepId) await this.sweeps.refreshStatus(outcome.sweepId);
    return outcome.run;
  }

  /** The training set's category table, as the worker loaded it (a later attempt rewrites the same). */
  async recordCategories(runId: string, categories: RunCategory[]): Promise<void> {
    await this.updateJson(runId, 'categories', categories);
  }

  /** What the current attempt runs with; each attempt replaces the previous one's record. */
  async recordReproducibility(runId: string, record: RunReproducibility): Promise<void> {
    await this.updateJson(runId, 'reproducibility', record);
  }

  private async updateJson(runId: string, column: 'categories' | 'reproducibility', value: unknown): Promise<void> {
    const rows = await mutateReturning(this.ds, `UPDATE runs SET ${column} = $2::jsonb WHERE id = $1 RETURNING id`, [runId, JSON.stringify(value)]);
    if (rows.length === 0) throw new NotFoundError('run', runId);
  }

  /**
   * Progress of a running run (step, loss, images/s). `MetricRepository.recordMetrics` does
   * this too; call this when you report progress without metrics.
   */
  async recordProgress(runId: string, update: RunProgressUpdate): Promise<void> {
    await this.ds.query(
      `UPDATE runs SET step = greatest(step, $2), loss = coalesce($3, loss),
              images_per_second = coalesce($4, images_per_second), updated_at = now()
        WHERE id = $1`,
      [runId, update.step, update.loss ?? null, update.imagesPerSecond ?? null],
    );
  }

  /**
   * Polled by the worker between steps (e.g. every step, or every second): true when the run
   * must stop. The worker then checkpoints and calls `finishRun(runId, 'cancelled')`.
   */
  async isCancelRequested(runId: string): Promise<boolean> {
    const rows: { stop: boolean }[] = await this.ds.query(
      `SELECT (cancel_requested_at IS NOT NULL OR status = 'cancelled') AS stop FROM runs WHERE id = $1`,
      [runId],
    );
    return rows[0]?.stop ?? true;
  }

  /**
   * Ends a run for good — completed, failed (no retries left, or a bad dataset), diverged, or
   * cancelled — closes its running attempt with the same status, and rolls the sweep up
   * (the sweep is done when all its runs have ended). Idempotent.
   */
  async finishRun(runId: string, status: EndedRunStatus, end: RunEnd = {}): Promise<RunEntity> {
    const run = await this.ds.transaction(async (m) => {
      const rows = await mutateReturning(m,
        `UPDATE runs SET status = $2, error = $3, step = coalesce($4, step), finished_at = now(), updated_at = now()
          WHERE id = $1 RETURNING id`,
        [runId, status, end.error ?? null, end.step ?? null],
      );
      if (rows.length === 0) throw new NotFoundError('run', runId);
      await m.query(
        `UPDATE run_attempts SET status = $2, error = $3, end_step = coalesce($4, (SELECT step FROM runs WHERE id = $1)),
                ended_at = now()
          WHERE run_id = $1 AND status = 'running'`,
        [runId, status, end.error ?? null, end.step ?? null],
      );
      return m.getRepository(RunEntity).findOneByOrFail({ id: runId });
    });
    if (run.sweepId) await this.sweeps.refreshStatus(run.sweepId);
    return run;
  }

  /**
   * An attempt failed and BullMQ will retry it (a crash, a lost worker, SIGTERM): the attempt is
   * closed as 'failed' and the run goes back to 'queued', keeping its step (the next attempt
   * resumes from the latest checkpoint). When no retry is left call `finishRun(runId, 'failed')`.
   * Closing an older, lost attempt after a newer one started leaves the run's status alone.
   */
  async failAttempt(runId: string, attempt: number, end: RunEnd = {}): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE run_attempts SET status = 'failed', error = $3, end_step = coalesce($4, (SELECT step FROM runs WHERE id = $1)),
                ended_at = now()
          WHERE run_id = $1 AND attempt = $2`,
        [runId, attempt, end.error ?? null, end.step ?? null],
      );
      await m.query(
        `UPDATE runs SET status = 'queued', error = $2, updated_at = now()
          WHERE id = $1 AND status = 'running' AND attempts <= $3`,
        [runId, end.error ?? null, attempt],
      );
    });
  }

  /**
   * Cancels one run: a queued run becomes 'cancelled' at once (`cancelled: true`; remove its job),
   * a running one is flagged for its worker (`stopping: true`); an ended run is left alone and
   * ConflictError (409) says so.
   */
  async requestCancel(runId: string): Promise<{ run: RunEntity; cancelled: boolean; stopping: boolean }> {
    const cancelled = await mutateReturning(this.ds,
      `UPDATE runs SET status = 'cancelled', finished_at = now(), updated_at = now(), cancel_requested_at = now(),
              error = 'cancelled before it started'
        WHERE id = $1 AND status = 'queued' RETURNING id`,
      [runId],
    );
    const stopping = await mutateReturning(this.ds,
      `UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, now()), updated_at = now()
        WHERE id = $1 AND status = 'running' RETURNING id`,
      [runId],
    );
    const run = await this.get(runId);
    if (cancelled.length === 0 && stopping.length === 0) {
      throw new ConflictError(`run ${runId} has already ended (${run.status}): nothing to cancel`);
    }
    if (run.sweepId) await this.sweeps.refreshStatus(run.sweepId);
    return { run, cancelled: cancelled.length > 0, stopping: stopping.length > 0 };
  }

  /**
   * Runs that should have a train job, for the reconciler: queued ones older than `graceSeconds`
   * (younger ones may be in the middle of being enqueued), and running ones silent for as long
   * (a training run writes its progress every second; one that is still writing is in a worker's
   * hands even if its job's lock was lost).
   */
  async openRuns(graceSeconds: number): Promise<RunEntity[]> {
    return this.ds
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where(
        `(r.status = 'queued' AND r.created_at < now() - make_interval(secs => :grace))
          OR (r.status = 'running' AND r.updated_at < now() - make_interval(secs => :grace))`,
        { grace: graceSeconds },
      )
      .orderBy('r.created_at')
      .getMany();
  }

  /**
   * A running run whose job vanished from the queue: its open attempt is closed as failed with
   * `reason` and the run goes back to 'queued', keeping its step (the new job resumes from its
   * latest checkpoint).
   */
  async requeueLost(runId: string, reason: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE run_attempts SET status = 'failed', error = $2, end_step = (SELECT step FROM runs WHERE id = $1), ended_at = now()
          WHERE run_id = $1 AND status = 'running'`,
        [runId, reason],
      );
      await m.query(`UPDATE runs SET status = 'queued', updated_at = now() WHERE id = $1 AND status = 'running'`, [runId]);
    });
  }

  /** Number of runs in each status (all sweeps): the `runs by status` gauge. */
  async countByStatus(): Promise<Record<RunStatus, number>> {
    const rows: { status: RunStatus; n: number }[] = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM runs GROUP BY status`,
    );
    const out = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /** Sum of images/s over running runs (the throughput gauge). */
  async runningThroughput(): Promise<number> {
    const rows: { ips: number | null }[] = await this.ds.query(
      `SELECT sum(images_per_second)::float8 AS ips FROM runs WHERE status = 'running'`,
    );
    return rows[0]?.ips ?? 0;
  }
}

const ENDED = new Set<RunStatus>(['completed', 'failed', 'diverged', 'cancelled']);
