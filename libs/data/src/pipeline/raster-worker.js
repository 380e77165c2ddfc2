/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry: it must load SWC before any TypeScript */
// Entry of a RasterPool worker thread: TypeScript runs through SWC here as in the main thread
// (scripts/register.js sets SWC_NODE_PROJECT, which the worker inherits).
require('../../../../scripts/register.js');
require('./raster-worker.ts');
