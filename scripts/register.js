// Runs TypeScript sources directly in Node. SWC (unlike esbuild/tsx) emits the decorator
// metadata NestJS's dependency injection reads, so the api and worker need no build step.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
