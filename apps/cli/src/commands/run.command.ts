import type { Command } from 'commander';
import { routes } from '@ablate/contract';
import { apiTarget, callRoute } from '../sweep/api-client';
import { apiAction, withTarget, type TargetOptions } from './api-options';
import { formatRun } from './run-view';

/** `ablate run show <id>`. */
export function registerRunCommand(program: Command): void {
  const run = program.command('run').description('look at runs in the Ablate API');

  withTarget(run.command('show <id>'))
    .description('show a run: config summary, status, attempts, final AP, reproducibility record, categories')
    .option('--json', 'print the run as the API answers it')
    .action((id: string, opts: TargetOptions & { json?: boolean }) =>
      apiAction(async () => {
        const detail = await callRoute(apiTarget(opts), routes.getRun, { params: { id } });
        console.log(opts.json ? JSON.stringify(detail, null, 2) : formatRun(detail));
      }),
    );
}
