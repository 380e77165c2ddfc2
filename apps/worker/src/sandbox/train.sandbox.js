/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry file BullMQ forks */
// Entry of the `train` queue's sandboxed child. BullMQ forks a child and imports this file; the
// child gets the parent's execArgv, but a worker started another way (a test, a bundler) may not
// carry `-r scripts/register.js`, so the TypeScript hook is installed here explicitly.
require('../../../../scripts/register.js');
// A child whose parent died (SIGKILL, OOM) must not keep training: its run is being retried
// elsewhere and both would write the same run's rows.
process.on('disconnect', () => process.exit(1));
module.exports = require('./train.processor.ts').default;
