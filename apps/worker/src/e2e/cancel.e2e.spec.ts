import { SHAPE_CLASSES } from '@ablate/data';
import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

/**
 * Cancelling a running run stops it within about one training step: the API announces the
 * cancellation on Redis and the worker aborts the job at once. The store's cancel flag is polled
 * only once a minute here, so a stop through the poll would time this test out.
 */
describe('cancelling a running run', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('cancel', { workers: 1, workerEnv: { ABLATE_METRICS_EVERY: '1', ABLATE_CANCEL_POLL_MS: '60000' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('stops it within a few steps of the request, as cancelled, and answers 409 to a second cancel', async () => {
    const res = await stack.request<{ id: string; runs: { id: string }[] }>('POST', '/sweeps', tinySweepSpec({ name: 'e2e cancel now', grid: { gamma: [2] }, steps: 5000 }));
    expect(res.status).toBe(201);
    const runId = res.body.runs[0]!.id;
    await eventually('the run to pass step 20', async () => {
      const [run] = await queryDb<{ status: string; step: number }>(stack.env.databaseUrl, 'SELECT status, step FROM runs WHERE id = $1', [runId]);
      return run!.status === 'running' && run!.step > 20 ? run : undefined;
    });
    // Recorded by the worker as the attempt started and the training set loaded.
    const detail = await stack.request<{ categories: unknown; reproducibility: Record<string, unknown> }>('GET', `/runs/${runId}`);
    expect(detail.body.categories).toEqual(SHAPE_CLASSES.map((name, i) => ({ id: i + 1, name })));
    expect(detail.body.reproducibility).toMatchObject({
      // The worker runs from this checkout.
      git: { commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: expect.any(Boolean) },
      ablateVersion: expect.any(String),
      tfjsVersion: '4.22.0',
      nodeVersion: process.versions.node,
      datasets: { train: { uri: expect.stringMatching(/^synthetic:/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
    const cancelledAt = new Date();
    const cancel = await stack.request<{ stopping: boolean }>('POST', `/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.stopping).toBe(true);
    const run = await eventually('the run to be cancelled', async () => {
      const [r] = await queryDb<{ status: string; step: number }>(stack.env.databaseUrl, 'SELECT status, step FROM runs WHERE id = $1', [runId]);
      return r!.status === 'cancelled' ? r : undefined;
    }, 30_000);
    // Steps whose metrics were written after the request: the one in flight, and a few more while
    // the announcement crosses Redis and the process boundary. How many depends on the machine's
    // load (a fresh clone's CI once saw 4 where 3 was the bound); the store poll alone, the
    // fallback, allowed ~50, so 10 still tells the pub/sub path from the poll.
    const late = await queryDb<{ n: number }>(stack.env.databaseUrl, 'SELECT count(*)::int AS n FROM metrics WHERE run_id = $1 AND recorded_at > $2', [runId, cancelledAt]);
    expect(late[0]!.n).toBeLessThanOrEqual(10);
    expect(run.step).toBeLessThan(5000);

    const again = await stack.request<{ message: string }>('POST', `/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/has already ended \(cancelled\)/);
    const sweep = await stack.request<{ status: string }>('POST', `/sweeps/${res.body.id}/cancel`);
    expect(sweep.status).toBe(409);
    expect((await stack.request<{ status: string }>('GET', `/sweeps/${res.body.id}`)).body.status).toBe('cancelled');
  }, 120_000);
});
