/**
 * The API, standalone: `node -r ./scripts/register.js apps/api/src/main.ts`.
 * Environment: PORT (3000), HOST (0.0.0.0), DATABASE_URL, REDIS_URL, ABLATE_API_KEYS,
 * ABLATE_MAX_RUNS_PER_SWEEP, ABLATE_BODY_LIMIT, ABLATE_QUEUE_PREFIX, ABLATE_ARTIFACT_DIR (see api-config.ts).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const api = await createApiApp();
  const port = Number(process.env['PORT'] ?? 3000);
  const url = await api.listen(port, process.env['HOST'] ?? '0.0.0.0');
  new Logger('Ablate').log(`API on ${url} — docs ${url}/docs, dashboard ${url}/queues, health ${url}/health`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
