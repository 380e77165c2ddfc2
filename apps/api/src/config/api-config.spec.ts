import { DEV_API_KEY, loadApiConfig } from './api-config';

describe('loadApiConfig', () => {
  it('has local defaults and the dev key', () => {
    const c = loadApiConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ablate',
      redisUrl: 'redis://127.0.0.1:6379',
      apiKeys: [DEV_API_KEY],
      maxRunsPerSweep: 1000,
      bodyLimit: '1mb',
      queuePrefix: 'ablate',
    });
  });

  it('reads the environment', () => {
    const c = loadApiConfig({ ABLATE_API_KEYS: ' a, b ,,', ABLATE_MAX_RUNS_PER_SWEEP: '20', ABLATE_BODY_LIMIT: '10kb' });
    expect(c.apiKeys).toEqual(['a', 'b']);
    expect(c.maxRunsPerSweep).toBe(20);
    expect(c.bodyLimit).toBe('10kb');
    expect(() => loadApiConfig({ ABLATE_MAX_RUNS_PER_SWEEP: 'many' })).toThrow(/ABLATE_MAX_RUNS_PER_SWEEP must be a non-negative integer/);
  });
});
