import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { ApiKeyVerifier, apiKeyMiddleware } from './auth/api-key';
import { failedAuthLimit } from './auth/failed-auth-limit';
import { DEV_API_KEY, loadApiConfig, type ApiConfig } from './config/api-config';
import { mountConsole } from './console/console-static';
import { mountBullBoard } from './dashboard/bull-board';
import { setupOpenApi } from './docs/openapi';
import { jsonBodyParser } from './http/body-parser';
import { QueueService } from './queue/queue.service';

export type ApiOptions = Partial<ApiConfig>;

export interface ApiApp {
  app: INestApplication;
  config: ApiConfig;
  /** Starts listening (port 0 = any free port); resolves to the base URL, e.g. http://127.0.0.1:3000. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the API in-process (for `main.ts`, the demo and tests): options override the
 * environment (`loadApiConfig`). Runs migrations on start. Middleware order: the web console at
 * /ui (no key) → API key (all but /health and POST /session) → JSON body with size limit → bull-board at /queues, OpenAPI at /docs → Nest routes;
 * unknown routes get a JSON 404.
 */
export async function createApiApp(options: ApiOptions = {}): Promise<ApiApp> {
  const config: ApiConfig = { ...loadApiConfig(), ...options };
  if (config.apiKeys.length === 1 && config.apiKeys[0] === DEV_API_KEY) {
    new Logger('Auth').warn(`ABLATE_API_KEYS is not set: accepting the development key "${DEV_API_KEY}"`);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: config.logger ? ['error', 'warn', 'log'] : false,
  });
  app.disable('x-powered-by');
  if (config.authFailuresPerMinute > 0) app.use(failedAuthLimit(config.authFailuresPerMinute));
  // The console's pages hold no data: served before the key check, so a browser reaches sign-in.
  mountConsole(app);
  app.use(apiKeyMiddleware(new ApiKeyVerifier([...config.apiKeys, ...config.adminKeys]), config.adminKeys.length > 0 ? new ApiKeyVerifier(config.adminKeys) : null));
  app.use(jsonBodyParser(config.bodyLimit));
  mountBullBoard(app, app.get(QueueService));
  setupOpenApi(app);
  app.enableShutdownHooks();
  await app.init();
  // After Nest's routes: anything unmatched that slipped past Nest (e.g. under /queues) is a JSON 404.
  app.use((req: Request, res: Response, _next: NextFunction) => {
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.path}` });
  });
  return {
    app,
    config,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen(port, host);
      const address = app.getHttpServer().address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    close: () => app.close(),
  };
}
