import { RunConfigSchema } from '@ablate/detection';
import type { CheckpointRecord, RunEnd, RunStorePort, TrainingHooks, TrainingOutcome, TrainingPort } from '../glue/ports';
import { executeTrainRun, type TrainJobProgress, type TrainRunContext } from './train-run';

/** A store that records calls in memory (the real one is covered by the end-to-end tests). */
class RecordingStore implements RunStorePort {
  calls: string[] = [];
  metrics = new Map<number, number>();
  checkpoint: CheckpointRecord | null = null;
  cancelled = false;
  ends: RunEnd[] = [];
  async markRunStarted(_: string, info: { attempt: number; startStep: number }) {
    this.calls.push(`started attempt ${info.attempt} at ${info.startStep}`);
    return this.ended ? { started: false as const, status: this.ended, step: 3 } : { started: true as const };
  }
  ended: string | undefined;
  /** No early stopping here: its decisions are the store's (asha.repository.spec.ts) and the e2e's. */
  async ashaPlanOf() {
    return null;
  }
  async recordRung(): Promise<never> {
    throw new Error('no early stopping in these tests');
  }
  async recordProgress() {}
  async closeLostAttempts() {
    return 0;
  }
  async recordMetrics(_: string, rows: { step: number; loss: number }[]) {
    for (const r of rows) this.metrics.set(r.step, r.loss);
  }
  keeps: (number | undefined)[] = [];
  async saveCheckpoint(_: string, step: number, bytes: Uint8Array, keep?: number) {
    this.checkpoint = { step, bytes };
    this.keeps.push(keep);
  }
  async latestCheckpoint() {
    return this.checkpoint;
  }
  async isCancelled() {
    return this.cancelled;
  }
  evaluations: string[] = [];
  async saveEvaluation(_: string, evaluation: { step: number }, options?: { final?: boolean }) {
    this.evaluations.push(`${evaluation.step}${options?.final === false ? '' : ' final'}`);
    return 'eval-1';
  }
  async finishRun(_: string, attempt: number, end: RunEnd) {
    this.ends.push(end);
    this.calls.push(`finished attempt ${attempt} ${end.status}`);
  }
  categories: { id: number; name: string }[] | null = null;
  async recordCategories(_: string, categories: { id: number; name: string }[]) {
    this.categories = categories;
  }
  reproducibility: unknown = null;
  async recordReproducibility(_: string, record: unknown) {
    this.reproducibility = record;
  }
  async requeueRun(_: string, attempt: number, step: number) {
    this.calls.push(`requeued attempt ${attempt} at ${step}`);
  }
  async ping(): Promise<void> {}
  lost = 0;
  async lostWorkerCount(): Promise<number> {
    return this.lost;
  }
  async close() {}
}

/**
 * A trainer of `total` steps that checkpoints every `every` steps, resumes after the checkpoint's
 * step (its bytes hold the step), and checks shouldStop after each step, as trainDetector does.
 */
function fakeTraining(
  total: number,
  every: number,
  opts: { onStep?: (step: number) => void; throwAt?: { step: number; err: Error }; evalEvery?: number } = {},
): TrainingPort & { resumedFrom: number[] } {
  const resumedFrom: number[] = [];
  return {
    resumedFrom,
    isUserError: (err) => (err as Error).name === 'DatasetError',
    async run(_config, { hooks, resumeFrom }: { hooks: TrainingHooks; resumeFrom?: Uint8Array }): Promise<TrainingOutcome> {
      const start = resumeFrom ? resumeFrom[0]! : 0;
      resumedFrom.push(start);
      for (let step = start + 1; step <= total; step++) {
        if (opts.throwAt?.step === step) throw opts.throwAt.err;
        opts.onStep?.(step);
        const loss = 1 / step;
        await hooks.onProgress({ step, totalSteps: total, loss, classLoss: loss, boxLoss: 0, lr: 0.01, imagesPerSecond: 10, etaSeconds: total - step });
        if (opts.evalEvery !== undefined && step % opts.evalEvery === 0 && step < total) await hooks.onEvaluation({ ...EVALUATION, step });
        if (step % every === 0 || step === total) await hooks.onCheckpoint(Uint8Array.of(step), step);
        if (hooks.shouldStop()) {
          await hooks.onCheckpoint(Uint8Array.of(step), step);
          return { status: 'stopped', step, finalLoss: loss };
        }
      }
      return { status: 'completed', step: total, finalLoss: 1 / total, evaluation: EVALUATION };
    },
  };
}

const EVALUATION = { dataset: 'synthetic:shapes?split=val', step: 12, stats: { bbox: { AP: 0.5, AP50: 0.8 } } };
const config = RunConfigSchema.parse({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' } });

function context(store: RecordingStore, training: TrainingPort, over: Partial<TrainRunContext> = {}): TrainRunContext & { progress: TrainJobProgress[] } {
  const progress: TrainJobProgress[] = [];
  return {
    progress,
    runId: 'run-1',
    config,
    attempt: 1,
    store,
    training,
    backend: { init: async () => ({ backend: 'cpu', device: 'cpu' }) },
    reportProgress: async (p) => void progress.push(p),
    metricsEvery: 5,
    cancelPollMs: 5,
    dataRoot: '.',
    progressEveryMs: 0,
    ...over,
  };
}

describe('executeTrainRun', () => {
  it('completes: metrics every 5 steps and at the last, evaluation saved, run finished', async () => {
    const store = new RecordingStore();
    const ctx = context(store, fakeTraining(12, 4));
    const outcome = await executeTrainRun(ctx);
    expect(outcome).toEqual({ kind: 'completed', step: 12, finalLoss: 1 / 12, evaluation: EVALUATION, evaluationId: 'eval-1' });
    // Steps 5 and 10 (every 5) and 12 (the last).
    expect([...store.metrics.keys()]).toEqual([5, 10, 12]);
    expect(store.calls).toEqual(['started attempt 1 at 0', 'finished attempt 1 completed']);
    expect(ctx.progress.at(-1)).toMatchObject({ step: 12, totalSteps: 12, eta: 0, attempt: 1 });
  });

  it('saves train.evalEvery\'s evaluations as not final, and checkpoints with train.keepCheckpoints', async () => {
    const store = new RecordingStore();
    const keeping = RunConfigSchema.parse({ ...config, train: { ...config.train, keepCheckpoints: 3 } });
    await executeTrainRun(context(store, fakeTraining(12, 4, { evalEvery: 5 }), { config: keeping }));
    expect(store.evaluations).toEqual(['5', '10', '12 final']);
    expect(store.keeps).toEqual([3, 3, 3]);
  });

  it('resumes a retried attempt from the latest checkpoint and records its start step', async () => {
    const store = new RecordingStore();
    store.checkpoint = { step: 8, bytes: Uint8Array.of(8) };
    const training = fakeTraining(12, 4);
    await executeTrainRun(context(store, training, { attempt: 2 }));
    expect(training.resumedFrom).toEqual([8]);
    expect(store.calls[0]).toBe('started attempt 2 at 8');
    // Only steps after 8 were trained again: 10 and 12.
    expect([...store.metrics.keys()]).toEqual([10, 12]);
  });

  it('stops at the next step on shutdown (abort signal), checkpoints and asks to be requeued', async () => {
    const store = new RecordingStore();
    const abort = new AbortController();
    const outcome = await executeTrainRun(context(store, fakeTraining(100, 50, { onStep: (s) => s === 7 && abort.abort('shutdown') }), { signal: abort.signal }));
    expect(outcome).toEqual({ kind: 'requeue', step: 7 });
    expect(store.checkpoint?.step).toBe(7);
    expect(store.calls).toEqual(['started attempt 1 at 0', 'requeued attempt 1 at 7']);
  });

  it('stops a cancelled run and records it as cancelled', async () => {
    const store = new RecordingStore();
    const training = fakeTraining(1_000_000, 1000, { onStep: (s) => s === 3 && (store.cancelled = true) });
    // The flag is polled every 5 ms in the background; slow the fake loop so a poll lands.
    const slow: TrainingPort = { ...training, run: (c, o) => training.run(c, { ...o, hooks: { ...o.hooks, onProgress: async (p) => (await o.hooks.onProgress(p), await new Promise((r) => setTimeout(r, 1))) } }) };
    const outcome = await executeTrainRun(context(store, slow));
    expect(outcome.kind).toBe('cancelled');
    expect(store.ends).toEqual([{ status: 'cancelled', step: (outcome as { step: number }).step }]);
  });

  it('marks a diverged run diverged, with the step and loss, for the processor to fail without retry', async () => {
    const store = new RecordingStore();
    const diverging: TrainingPort = { isUserError: () => false, run: async () => ({ status: 'diverged', step: 7, finalLoss: NaN }) };
    const outcome = await executeTrainRun(context(store, diverging));
    expect(outcome).toEqual({ kind: 'diverged', step: 7, message: 'run run-1 diverged: loss NaN at step 7' });
    expect(store.ends).toEqual([{ status: 'diverged', step: 7, finalLoss: NaN, error: 'run run-1 diverged: loss NaN at step 7' }]);
  });

  it('trains nothing when the run already ended (cancelled while queued)', async () => {
    const store = new RecordingStore();
    store.ended = 'cancelled';
    const training = fakeTraining(10, 5);
    expect(await executeTrainRun(context(store, training))).toEqual({ kind: 'skipped', status: 'cancelled', step: 3 });
    expect(training.resumedFrom).toEqual([]);
  });

  it('fails a run whose worker was lost ABLATE_MAX_ATTEMPTS times, counting in the store (not BullMQ stalls, which a Redis outage also makes)', async () => {
    const store = new RecordingStore();
    store.lost = 2;
    const training = fakeTraining(10, 5);
    expect((await executeTrainRun(context(store, training, { attempt: 3, maxLostWorkers: 3 }))).kind).toBe('completed');
    store.lost = 3;
    const again = new RecordingStore();
    again.lost = 3;
    const outcome = await executeTrainRun(context(again, fakeTraining(10, 5), { attempt: 4, maxLostWorkers: 3 }));
    expect(outcome).toEqual({ kind: 'user-error', message: 'its worker was lost 3 times (killed or crashed; ABLATE_MAX_ATTEMPTS=3)' });
    expect(again.calls).toEqual(['finished attempt 4 failed']);
  });

  it('fails a user error (bad dataset) for good, with its message', async () => {
    const store = new RecordingStore();
    const bad = Object.assign(new Error('data/x.json: not found'), { name: 'DatasetError' });
    const outcome = await executeTrainRun(context(store, fakeTraining(10, 5, { throwAt: { step: 1, err: bad } })));
    expect(outcome).toEqual({ kind: 'user-error', message: 'data/x.json: not found' });
    expect(store.ends).toEqual([{ status: 'failed', error: 'data/x.json: not found' }]);
  });

  it('rethrows a crash for BullMQ to retry, after recording the attempt and the step it reached', async () => {
    const store = new RecordingStore();
    await expect(executeTrainRun(context(store, fakeTraining(10, 5, { throwAt: { step: 4, err: new Error('out of memory') } })))).rejects.toThrow('out of memory');
    expect(store.calls).toEqual(['started attempt 1 at 0', 'requeued attempt 1 at 3']);
  });
});
