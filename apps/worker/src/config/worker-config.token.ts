/** Nest injection token of the resolved WorkerConfig. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
