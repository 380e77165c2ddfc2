import type { Command } from 'commander';

/**
 * Every subcommand registers itself here: one line per command module
 * (`eval`, `train`, `predict`, `data synth`, `sweep submit|watch`, `demo`).
 */
export function registerCommands(_program: Command): void {}
