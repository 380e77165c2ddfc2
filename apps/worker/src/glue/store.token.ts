/** Nest injection token of the main process's SweepStorePort. */
export const SWEEP_STORE = Symbol('SWEEP_STORE');
