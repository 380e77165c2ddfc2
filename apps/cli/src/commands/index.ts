import type { Command } from 'commander';
import { registerDataCommand } from './data.command';
import { registerDemoCommand } from './demo.command';
import { registerSweepCommand } from './sweep.command';
import { registerEvalCommand } from './eval.command';
import { registerTrainCommand } from './train.command';
import { registerPredictCommand } from './predict.command';

/**
 * Every subcommand registers itself here: one line per command module
 * (`eval`, `train`, `predict`, `data synth`, `sweep submit|watch`, `demo`).
 */
export function registerCommands(program: Command): void {
  registerEvalCommand(program);
  registerTrainCommand(program);
  registerPredictCommand(program);
  registerSweepCommand(program);
  registerDemoCommand(program);
  registerDataCommand(program);
}
