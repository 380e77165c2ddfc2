/**
 * @ablate/jobs — the contract between api and worker: queue names, typed job payloads, the sweep
 * spec, its validation and its grid expansion. Pure: no Redis, no SQL.
 *
 * Cancellation is not a job: `POST /sweeps/:id/cancel` removes waiting train jobs and sets
 * `runs.cancel_requested_at` on running ones; a worker polls `RunRepository.isCancelRequested`
 * (from @ablate/store) between steps and ends the run with status 'cancelled'.
 */
export * from './validation-error';
export * from './queues';
export * from './config-paths';
export * from './sweep-spec';
export * from './expand-sweep';
export * from './job-payloads';
export * from './run-request';
