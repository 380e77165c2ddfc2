import { ALLOW_SOFTWARE_GPU } from '@ablate/engine';
import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

const STEPS = 2;

/**
 * A sweep trained by a real worker process on the webgpu backend (Dawn on Mesa's lavapipe, allowed
 * with ABLATE_ALLOW_SOFTWARE_GPU=1; scripts/vulkan.sh installs it and without it the run fails):
 * the worker's sandboxed child picks webgpu, trains, checkpoints and evaluates, and the run records
 * the backend and the adapter. One run of a few steps: shaders compile slowly on lavapipe.
 */
describe('a sweep on webgpu: REST → BullMQ → a worker with ABLATE_BACKEND=webgpu → PostgreSQL', () => {
  let stack: Stack;
  let sweepId: string;

  beforeAll(async () => {
    stack = await startStack('webgpu', { workers: 1, workerEnv: { ABLATE_BACKEND: 'webgpu', [ALLOW_SOFTWARE_GPU]: '1' } });
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'e2e webgpu', grid: { gamma: [2] }, steps: STEPS, checkpointEvery: 2 }));
    expect(res.status).toBe(201);
    sweepId = res.body.id;
    await eventually('the sweep to end', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return ['completed', 'failed'].includes(s.body.status) ? s : undefined;
    }, 150_000);
  }, 180_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('trains and evaluates the run on webgpu, recording the adapter', async () => {
    const runs = await queryDb<{ status: string; step: number; backend: string; device: string; error: string | null; final_loss: number | null; evaluated: boolean }>(
      stack.env.databaseUrl,
      `SELECT status, step, backend, device, error, final_evaluation_id IS NOT NULL AS evaluated,
              (SELECT (m.values->>'loss')::float FROM metrics m WHERE m.run_id = r.id ORDER BY m.step DESC LIMIT 1) AS final_loss
         FROM runs r WHERE sweep_id = $1`,
      [sweepId],
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', step: STEPS, backend: 'webgpu', error: null, evaluated: true });
    expect(runs[0]!.device).toMatch(/^gpu \(@tensorflow\/tfjs-backend-webgpu 4\.22\.0, llvmpipe.*, software, 1 thread\)$/);
    expect(Number.isFinite(runs[0]!.final_loss)).toBe(true);
  });
});
