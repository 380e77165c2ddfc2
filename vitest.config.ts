import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const alias = {
  // The testing entry point first: vite matches aliases in order, by prefix.
  '@ablate/engine/testing': new URL('./libs/engine/src/testing/index.ts', import.meta.url).pathname,
  '@ablate/config': new URL('./libs/config/src/index.ts', import.meta.url).pathname,
  '@ablate/contract': new URL('./libs/contract/src/index.ts', import.meta.url).pathname,
  '@ablate/engine': new URL('./libs/engine/src/index.ts', import.meta.url).pathname,
  '@ablate/detection': new URL('./libs/detection/src/index.ts', import.meta.url).pathname,
  '@ablate/data': new URL('./libs/data/src/index.ts', import.meta.url).pathname,
  '@ablate/jobs': new URL('./libs/jobs/src/index.ts', import.meta.url).pathname,
  '@ablate/store/testing': new URL('./libs/store/src/testing/index.ts', import.meta.url).pathname,
  '@ablate/store': new URL('./libs/store/src/index.ts', import.meta.url).pathname,
};

/** One vitest project per Nx project, so `vitest run --project detection` tests one library. */
const project = (name: string, root: string) => ({
  // SWC, not esbuild, so that NestJS decorator metadata exists under test as it does at run time.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    name,
    include: [`${root}/**/*.spec.ts`],
    globals: true,
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The wasm backend is single-threaded: more forks than cores only adds contention.
    pool: 'forks' as const,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('config', 'libs/config'),
      project('contract', 'libs/contract'),
      project('engine', 'libs/engine'),
      project('detection', 'libs/detection'),
      project('data', 'libs/data'),
      project('jobs', 'libs/jobs'),
      project('store', 'libs/store'),
      project('api', 'apps/api'),
      project('worker', 'apps/worker'),
      project('cli', 'apps/cli'),
      project('web', 'apps/web'),
      project('bench', 'bench'),
    ],
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
