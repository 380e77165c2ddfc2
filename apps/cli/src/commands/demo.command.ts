import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { readVariable } from '@ablate/config';
import { routes } from '@ablate/contract';
import { DEMO_STEPS } from '@ablate/jobs';
import { portOrFree, spawnApp, waitForHttp, type ChildApp } from '../demo/child-apps';
import { ensureDatabase, ensureLocalServices } from '../demo/local-services';
import { apiTarget, callRoute } from '../sweep/api-client';
import { watchSweep } from '../sweep/watch-sweep';
import { fetchAblationTable } from './sweep.command';

interface DemoOptions {
  port: string;
  workers: string;
  steps: string;
  verbose?: boolean;
  keep?: boolean;
}

/**
 * `ablate demo`: the whole system on this machine. Local PostgreSQL and Redis up, the database
 * created, the API (which runs the migrations) and one worker process per core started, the `demo`
 * recipe (a γ × α sweep, libs/jobs/src/recipes/demo.ts) submitted over REST and followed live, its
 * table printed beside the paper's, everything stopped.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a focal-loss γ × α sweep end to end on this machine: API, two workers, REST, ablation table')
    .option('--port <n>', 'API port', process.env.PORT ?? '3000')
    .option('--workers <n>', 'worker processes (each trains one run at a time)', '2')
    .option('--steps <n>', 'training steps per run', String(DEMO_STEPS))
    .option('--verbose', 'show the API and worker logs')
    .option('--keep', 'keep the API and workers running after the table (Ctrl-C stops them)')
    .action((opts: DemoOptions) => runDemo(opts));
}

async function runDemo(opts: DemoOptions): Promise<void> {
  const started = Date.now();
  const say = (msg: string): void => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}`);
  const log = opts.verbose ? (line: string) => console.error(line) : () => undefined;
  const databaseUrl = readVariable('DATABASE_URL');
  const redisUrl = readVariable('REDIS_URL');
  const apiKey = process.env.ABLATE_API_KEY || `demo-${randomBytes(12).toString('hex')}`;
  const port = await portOrFree(Number(opts.port));
  if (port !== Number(opts.port)) say(`port ${opts.port} is taken; the API listens on ${port}`);
  const url = `http://127.0.0.1:${port}`;
  // A prefix of its own, so the demo never picks up jobs another deployment left in Redis.
  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ABLATE_QUEUE_PREFIX: process.env.ABLATE_QUEUE_PREFIX || 'ablate-demo' };

  ensureLocalServices();
  if (await ensureDatabase(databaseUrl)) say(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const apps: ChildApp[] = [];
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    return Promise.all(apps.map((a) => a.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const api = spawnApp('api', 'api', { ...env, PORT: String(port), ABLATE_API_KEYS: apiKey }, log);
    apps.push(api);
    await waitForHttp(`${url}/health`, api);
    say(`API up at ${url} (migrations applied)`);
    const workers = Number(opts.workers);
    for (let i = 0; i < workers; i++) apps.push(spawnApp(`worker-${i + 1}`, 'worker', { ...env, ABLATE_CONCURRENCY: '1' }, log));
    say(`${workers} worker processes started (one run at a time each)`);

    const target = apiTarget({ api: url, key: apiKey });
    const budget = Number(opts.steps) === DEMO_STEPS ? {} : { budget: Number(opts.steps) };
    const { id: sweepId } = await callRoute(target, routes.runRecipe, { params: { name: 'demo' }, body: budget });
    say(`submitted sweep ${sweepId} (recipe demo): γ ∈ {0, 2} × α ∈ {0.25, 0.75}, 4 runs of ${opts.steps} steps (about 5 minutes on 2 cores)`);
    // If every worker died (a broken install, no memory), say so instead of waiting forever.
    const workerApps = apps.slice(1);
    const allWorkersGone = new Promise<never>((_, reject) => {
      void Promise.all(workerApps.map((a) => a.exited)).then(() => {
        if (!stopping) reject(new Error(`every worker process exited; the last output of ${workerApps[0]!.name}:\n${workerApps[0]!.tail()}`));
      });
    });
    const final = await Promise.race([watchSweep(target, sweepId, { stream: process.stdout, startedAt: started }), allWorkersGone]);
    say(`sweep ${final.status}`);
    const comparison = await callRoute(target, routes.recipeComparison, { params: { name: 'demo', id: sweepId } });
    console.log(`\n${comparison.markdown}`);
    console.log('\nEvery metric by run:\n');
    console.log(await fetchAblationTable(target, sweepId));
    console.log(`\nAPI key:   ${apiKey}`);
    console.log(`Dashboard: ${url}/queues?api_key=${apiKey}`);
    console.log(`API docs:  ${url}/docs?api_key=${apiKey}`);
    console.log(`  curl -H 'Authorization: Bearer ${apiKey}' ${url}/sweeps/${sweepId}`);
    if (opts.keep) {
      say('keeping the API and workers up; Ctrl-C stops them');
      await Promise.all(apps.map((a) => a.exited));
    }
  } finally {
    await stopAll();
    say('API and workers stopped');
  }
}
