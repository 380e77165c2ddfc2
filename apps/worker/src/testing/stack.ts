import { createE2eEnv, type E2eEnv } from './e2e-env';
import { freePort, spawnApp, type AppProcess } from './processes';

/** The API key of the test stacks. */
export const E2E_API_KEY = 'e2e-key-0123456789abcdef';

/** An API process and worker processes over a database and queue prefix of their own. */
export interface Stack {
  env: E2eEnv;
  apiUrl: string;
  api: AppProcess;
  workers: AppProcess[];
  /** Starts one more worker process (concurrency 1 unless `extraEnv` says otherwise) and waits until it is ready. */
  addWorker(extraEnv?: Record<string, string>): Promise<AppProcess>;
  /** `fetch` against the API with the key; JSON body in and out. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops every process (SIGTERM), obliterates the queues, drops the database. */
  dispose(): Promise<void>;
}

export interface StackOptions {
  /** Worker processes started with the stack. @defaultValue 1 */
  workers?: number;
  /** Environment of every worker (e.g. ABLATE_LOCK_MS). */
  workerEnv?: Record<string, string>;
  /** Environment of the API (e.g. ABLATE_RECONCILE_EVERY_MS). */
  apiEnv?: Record<string, string>;
  /** Redis of the stack. @defaultValue the shared one (REDIS_URL or localhost:6379) */
  redisUrl?: string;
  /** A PostgreSQL server's admin URL to create the stack's database on. @defaultValue the shared one */
  postgresAdminUrl?: string;
  /** Print the processes' output as it comes (debugging). */
  echo?: boolean;
}

/**
 * Starts the real thing for an end-to-end test: the API (`apps/api/src/main.ts`, which runs the
 * migrations) and worker processes (`apps/worker/src/main.ts`), each a separate Node process, as in
 * production; the test talks to them over HTTP and reads PostgreSQL to assert.
 */
export async function startStack(label: string, options: StackOptions = {}): Promise<Stack> {
  const env = await createE2eEnv(label, options.redisUrl, options.postgresAdminUrl);
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const echo = options.echo ?? process.env.ABLATE_E2E_ECHO === '1';
  const api = spawnApp('api', 'api', { ...env.env, PORT: String(port), ABLATE_API_KEYS: E2E_API_KEY, ABLATE_TRAIN_BACKOFF_MS: '200', ...options.apiEnv }, { echo });
  const workers: AppProcess[] = [];
  const addWorker = async (extraEnv: Record<string, string> = {}): Promise<AppProcess> => {
    const w = spawnApp(`worker-${workers.length + 1}`, 'worker', { ABLATE_CONCURRENCY: '1', ...env.env, ...options.workerEnv, ...extraEnv }, { echo });
    workers.push(w);
    await w.waitFor(/worker \d+ ready/);
    return w;
  };
  const dispose = async (): Promise<void> => {
    await Promise.all([api, ...workers].map((p) => p.stop('SIGTERM', 20_000)));
    await env.dispose();
  };
  try {
    await api.waitFor(/API on http/, 90_000);
    await Promise.all(Array.from({ length: options.workers ?? 1 }, () => addWorker()));
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    env,
    apiUrl,
    api,
    workers,
    addWorker,
    dispose,
    async request<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${E2E_API_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (Markdown, CSV): keep the text
      }
      return { status: res.status, body: parsed as T };
    },
  };
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
/** POSTs a sweep (expecting 201) and waits up to `timeoutMs` for it to complete; returns its id. */
export async function submitSweepAndWait(stack: Stack, spec: Record<string, unknown>, timeoutMs: number): Promise<string> {
  const res = await stack.request<{ id: string }>('POST', '/sweeps', spec);
  expect(res.status).toBe(201);
  const sweepId = res.body.id;
  await eventually('the sweep to complete', async () => {
    const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
    return s.body.status === 'completed' ? s : undefined;
  }, timeoutMs);
  return sweepId;
}

export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
