// `npm ci` runs this (the root's `prepare`): builds the web console the API serves at /ui. A Docker
// build installs from the manifests before the sources are copied; there it skips, and the
// Dockerfile runs `npm run build:web` once they are in.
'use strict';
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
if (!existsSync(path.join(root, 'apps', 'web', 'index.html'))) {
  console.log('prepare: apps/web sources are not here yet; build the console later with `npm run build:web`');
  process.exit(0);
}
const vite = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
process.exit(vite.status ?? 1);
