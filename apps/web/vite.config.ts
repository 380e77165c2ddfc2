import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console is built to apps/web/dist and served by the API under /ui (same origin, so the
 * HttpOnly key cookie rides along and no CORS is needed). Preact's JSX is compiled by Vite's own
 * esbuild: no Babel plugin to install.
 */
export default defineConfig({
  root: here('.'),
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { '@ablate/contract': here('../../libs/contract/src/index.ts') } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place; it drops them, which changes nothing.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
