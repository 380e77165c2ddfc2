import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every subcommand, by name, loaded on demand: `ablate eval` should not pay for loading NestJS,
 * BullMQ and TensorFlow.js that only `train` or `demo` need (start-up is part of the
 * bench:eval goal). `require` keeps the load synchronous, as commander's registration is.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, () => Register> = {
  eval: () => require('./eval.command').registerEvalCommand,
  train: () => require('./train.command').registerTrainCommand,
  predict: () => require('./predict.command').registerPredictCommand,
  sweep: () => (program) => {
    require('./sweep.command').registerSweepCommand(program);
    require('./sweep-admin').registerSweepAdminCommands(program);
  },
  run: () => require('./run.command').registerRunCommand,
  recipe: () => require('./recipe.command').registerRecipeCommand,
  demo: () => require('./demo.command').registerDemoCommand,
  data: () => require('./data.command').registerDataCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Registers the subcommand named on the command line, or all of them when none is named
 * (or the name is unknown), so that help and "unknown command" messages stay complete.
 */
export function registerCommands(program: Command, argv: readonly string[] = process.argv): void {
  const named = argv[2];
  const wanted = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  for (const name of wanted) COMMANDS[name]()(program);
}
