import type { Command } from 'commander';
import { registerDataCommand } from './data.command';
import { registerEvalCommand } from './eval.command';

/**
 * Every subcommand registers itself here: one line per command module
 * (`eval`, `train`, `predict`, `data synth`, `sweep submit|watch`, `demo`).
 */
export function registerCommands(program: Command): void {
  registerEvalCommand(program);
  registerDataCommand(program);
}
