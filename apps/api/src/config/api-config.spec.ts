import { EnvironmentError } from '@ablate/config';
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
    expect(() => loadApiConfig({ ABLATE_MAX_RUNS_PER_SWEEP: 'many' })).toThrow('ABLATE_MAX_RUNS_PER_SWEEP: expected a whole number, got "many"');
  });

  it('never falls back to the public dev key when keys were meant to be set', () => {
    expect(() => loadApiConfig({ ABLATE_API_KEYS: ' , ' })).toThrow(new EnvironmentError('ABLATE_API_KEYS', 'is set but holds no key (expected comma-separated keys)'));
    expect(() => loadApiConfig({ ABLATE_API_KEYS: '', NODE_ENV: 'production' })).toThrow(/ABLATE_API_KEYS: is set but holds no key/);
    expect(() => loadApiConfig({ NODE_ENV: 'production' })).toThrow(/ABLATE_API_KEYS: must be set when NODE_ENV=production/);
    expect(loadApiConfig({ NODE_ENV: 'production', ABLATE_API_KEYS: 'k1', ABLATE_ADMIN_KEYS: 'root, ' })).toMatchObject({ apiKeys: ['k1'], adminKeys: ['root'] });
  });
});
