import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { EnvironmentError } from '@ablate/config';
import { workerConfigFromEnv, workerConfigToEnv } from './worker-config';

describe('workerConfigFromEnv', () => {
  it('defaults to localhost services, prefix ablate, one run per core, 3 attempts', () => {
    const c = workerConfigFromEnv({});
    expect(c).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ablate',
      queuePrefix: 'ablate',
      concurrency: availableParallelism(),
      maxAttempts: 3,
      lockMs: 30_000,
      metricsEvery: 10,
    });
  });

  it('takes the API\'s ABLATE_TRAIN_ATTEMPTS unless ABLATE_MAX_ATTEMPTS is set', () => {
    expect(workerConfigFromEnv({ ABLATE_TRAIN_ATTEMPTS: '5' }).maxAttempts).toBe(5);
    expect(workerConfigFromEnv({ ABLATE_TRAIN_ATTEMPTS: '5', ABLATE_MAX_ATTEMPTS: '2' }).maxAttempts).toBe(2);
  });

  it('names the variable of a bad value', () => {
    expect(() => workerConfigFromEnv({ ABLATE_CONCURRENCY: 'two' })).toThrow(new EnvironmentError('ABLATE_CONCURRENCY', 'expected a whole number, got "two"'));
    expect(() => workerConfigFromEnv({ ABLATE_LOCK_MS: '0' })).toThrow('ABLATE_LOCK_MS: expected a whole number ≥ 1, got "0"');
  });

  it('reads datasets under ./data by default, as the API and CLI do, never the working directory itself', () => {
    const saved = process.env['ABLATE_DATA_ROOT'];
    delete process.env['ABLATE_DATA_ROOT'];
    try {
      expect(workerConfigFromEnv({}).dataRoot).toBe(path.join(process.cwd(), 'data'));
    } finally {
      if (saved !== undefined) process.env['ABLATE_DATA_ROOT'] = saved;
    }
    expect(workerConfigFromEnv({ ABLATE_DATA_ROOT: '/srv/datasets' }).dataRoot).toBe('/srv/datasets');
  });

  it('round-trips through the environment a sandboxed child gets', () => {
    const c = workerConfigFromEnv({ REDIS_URL: 'redis://r:1', ABLATE_CONCURRENCY: '3', ABLATE_QUEUE_PREFIX: 'p', ABLATE_DATA_ROOT: '/data' });
    expect(workerConfigFromEnv(workerConfigToEnv(c))).toEqual(c);
  });
});
