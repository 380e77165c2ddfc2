import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT, EnvironmentError, readEnvironment, readVariable } from './environment';
import { readmeWithEnvironmentTable } from './environment-docs';

const ROOT = join(__dirname, '..', '..', '..');

/** Every .ts source under `dir` (specs and test helpers aside). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'testing' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the environment', () => {
  it('has its documented defaults when nothing is set, and blank counts as unset', () => {
    const e = readEnvironment({ ABLATE_LOCK_MS: '  ' });
    expect(e).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ablate',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ABLATE_QUEUE_PREFIX: 'ablate',
      ABLATE_DATA_ROOT: './data',
      ABLATE_LOCK_MS: 30_000,
      ABLATE_TRAIN_ATTEMPTS: 3,
      ABLATE_MAX_ATTEMPTS: 3,
      ABLATE_RUN_MEMORY_LIMIT_MB: 3584,
      ABLATE_ADMIN_KEYS: [],
      ABLATE_API_KEYS: undefined,
      ABLATE_ARTIFACT_DIR: undefined,
    });
    expect(e.ABLATE_CONCURRENCY).toBeGreaterThanOrEqual(1);
  });

  it('derives a default from another variable, as documented', () => {
    expect(readEnvironment({ ABLATE_TRAIN_ATTEMPTS: '5' }).ABLATE_MAX_ATTEMPTS).toBe(5);
    expect(readEnvironment({ ABLATE_TRAIN_ATTEMPTS: '5', ABLATE_MAX_ATTEMPTS: '2' }).ABLATE_MAX_ATTEMPTS).toBe(2);
    expect(readVariable('ABLATE_WEIGHTS_ROOT', { ABLATE_DATA_ROOT: '/srv/data' })).toBe('/srv/data');
    expect(readVariable('ABLATE_WEIGHTS_ROOT', { ABLATE_DATA_ROOT: '/srv/data', ABLATE_WEIGHTS_ROOT: '/srv/w' })).toBe('/srv/w');
  });

  it('names the variable, what it expected and what it got', () => {
    expect(() => readEnvironment({ ABLATE_CONCURRENCY: 'two' })).toThrow(new EnvironmentError('ABLATE_CONCURRENCY', 'expected a whole number, got "two"'));
    expect(() => readEnvironment({ ABLATE_LOCK_MS: '0' })).toThrow('ABLATE_LOCK_MS: expected a whole number ≥ 1, got "0"');
    expect(() => readEnvironment({ ABLATE_RECONCILE_EVERY_MS: '-1' })).toThrow('ABLATE_RECONCILE_EVERY_MS: expected a whole number ≥ 0, got "-1"');
    expect(() => readEnvironment({ PORT: '70000' })).toThrow(/^PORT: /);
    // 0 is a valid "off" where the variable allows it.
    expect(readEnvironment({ ABLATE_RECONCILE_EVERY_MS: '0' }).ABLATE_RECONCILE_EVERY_MS).toBe(0);
  });

  it('keeps a blank API key list as set, so it cannot fall back to the public development key', () => {
    expect(readVariable('ABLATE_API_KEYS', { ABLATE_API_KEYS: ' ' })).toEqual([]);
    expect(readVariable('ABLATE_API_KEYS', { ABLATE_API_KEYS: ' a, b ,,' })).toEqual(['a', 'b']);
    expect(readVariable('ABLATE_API_KEYS', {})).toBeUndefined();
  });

  it('is the one list: every ABLATE_* variable the apps and libraries name is defined here', () => {
    const named = new Set(
      [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))].flatMap((file) => readFileSync(file, 'utf8').match(/\bABLATE_[A-Z0-9_]+\b/g) ?? []),
    );
    expect([...named].filter((name) => !(name in ENVIRONMENT)).sort()).toEqual([]);
  });

  it("README.md's table is generated from it (npm run docs:env)", () => {
    const { current, expected } = readmeWithEnvironmentTable();
    expect(current, 'README.md is stale: run npm run docs:env').toBe(expected);
  });
});
