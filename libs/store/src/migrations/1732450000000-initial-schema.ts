import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sweeps, runs, attempts, metrics, evaluations, artifacts. Statuses are varchar with CHECK
 * constraints rather than enum types, so adding a status is a one-line migration.
 */
export class InitialSchema1732450000000 implements MigrationInterface {
  name = 'InitialSchema1732450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sweeps (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        description text,
        dataset_train text NOT NULL,
        dataset_val text NOT NULL,
        spec jsonb NOT NULL,
        varied_paths jsonb NOT NULL DEFAULT '[]',
        status varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'completed', 'cancelling', 'cancelled')),
        priority int,
        run_count int NOT NULL,
        idempotency_key varchar(255) UNIQUE,
        enqueued_at timestamptz,
        cancel_requested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX sweeps_created_at_idx ON sweeps (created_at DESC)`);
    await q.query(`CREATE INDEX sweeps_dataset_train_idx ON sweeps (dataset_train)`);

    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY,
        sweep_id uuid REFERENCES sweeps (id) ON DELETE CASCADE,
        index int NOT NULL DEFAULT 0,
        key text NOT NULL,
        name varchar(200),
        config jsonb NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        seed int NOT NULL,
        dataset_train text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'diverged', 'cancelled')),
        priority int,
        attempts int NOT NULL DEFAULT 0,
        worker_host text,
        worker_pid int,
        backend text,
        device text,
        step int NOT NULL DEFAULT 0,
        total_steps int NOT NULL,
        loss double precision,
        images_per_second double precision,
        error text,
        cancel_requested_at timestamptz,
        final_evaluation_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (sweep_id, key)
      )`);
    // Sweep pages and rollups (runs of a sweep by status), the runs-by-status gauge, and
    // cross-sweep ablations (completed runs on a dataset).
    await q.query(`CREATE INDEX runs_sweep_status_idx ON runs (sweep_id, status)`);
    await q.query(`CREATE INDEX runs_status_idx ON runs (status)`);
    await q.query(`CREATE INDEX runs_dataset_status_idx ON runs (dataset_train, status)`);
    await q.query(`CREATE INDEX runs_params_idx ON runs USING gin (params)`);

    await q.query(`
      CREATE TABLE run_attempts (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        worker_host text NOT NULL,
        worker_pid int NOT NULL,
        backend text NOT NULL,
        device text NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('running', 'completed', 'failed', 'diverged', 'cancelled')),
        start_step int NOT NULL DEFAULT 0,
        end_step int,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        PRIMARY KEY (run_id, attempt)
      )`);

    await q.query(`
      CREATE TABLE metrics (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step int NOT NULL,
        values jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, step)
      )`);

    await q.query(`
      CREATE TABLE evaluations (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        dataset text NOT NULL,
        step int NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        ap double precision, ap50 double precision, ap75 double precision,
        ap_s double precision, ap_m double precision, ap_l double precision,
        ar1 double precision, ar10 double precision, ar100 double precision,
        ar_s double precision, ar_m double precision, ar_l double precision,
        per_class jsonb,
        pr_curves jsonb,
        detections jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (run_id, dataset, step)
      )`);
    await q.query(
      `ALTER TABLE runs ADD CONSTRAINT runs_final_evaluation_fk
         FOREIGN KEY (final_evaluation_id) REFERENCES evaluations (id) ON DELETE SET NULL`,
    );

    await q.query(`
      CREATE TABLE artifacts (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind varchar(32) NOT NULL,
        step int NOT NULL,
        bytes bytea NOT NULL,
        size_bytes int NOT NULL,
        sha256 char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, kind, step)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP CONSTRAINT runs_final_evaluation_fk`);
    for (const table of ['artifacts', 'evaluations', 'metrics', 'run_attempts', 'runs', 'sweeps']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
