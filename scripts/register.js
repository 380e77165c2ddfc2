// Runs TypeScript sources directly in Node: a require hook that compiles each .ts file with SWC.
// SWC (unlike esbuild/tsx) emits the decorator metadata NestJS's dependency injection reads, so the
// api, worker and cli need no build step. Compiled output is cached on disk by content hash, so a
// second start of a command skips compilation (and, unlike @swc-node/register, never loads the
// TypeScript compiler just to read tsconfig.json): `ablate eval` starts in a fraction of the time.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

if (!globalThis.__ablateTsHook) {
  globalThis.__ablateTsHook = true;
  const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'ablate-swc');
  // Part of the cache key: a change of compiler version or options invalidates every entry.
  const SWC_OPTIONS = {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
  let swc;
  const optionsKey = JSON.stringify(SWC_OPTIONS);

  function compile(source, filename) {
    const key = crypto.createHash('sha1').update(optionsKey).update(filename).update(source).digest('hex');
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
    swc ??= require('@swc/core');
    const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached); // atomic: concurrent processes never read half a file
    } catch {
      // a read-only tree still runs, only slower
    }
    return code;
  }

  Module._extensions['.ts'] = function loadTypeScript(module, filename) {
    module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
  process.setSourceMapsEnabled?.(true);
}
