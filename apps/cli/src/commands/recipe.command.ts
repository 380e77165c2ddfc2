import type { Command } from 'commander';
import { RecipeRunRequestSchema, routes, type RecipeRunRequest } from '@ablate/contract';
import { datasetSplits, findRecipe, paperTableMarkdown, RECIPES, recipeRuns, recipeSummary, type RecipeDefinition } from '@ablate/jobs';
import { apiTarget, callRoute, type ApiTarget } from '../sweep/api-client';
import { formatFailures, groupFailures } from '../sweep/sweep-view';
import { watchSweep } from '../sweep/watch-sweep';
import { apiAction, parseOptions, UsageError, withTarget, type TargetOptions } from './api-options';

interface RunOptions extends TargetOptions {
  dataset?: string;
  valDataset?: string;
  budget?: string;
  seeds?: string;
  wait?: boolean;
}

/** The recipe called `name`, or a usage error listing the names there are. */
function recipeNamed(name: string): RecipeDefinition {
  const recipe = findRecipe(name);
  if (!recipe) throw new UsageError(`unknown recipe '${name}' (recipes: ${RECIPES.map((r) => r.name).join(', ')})`);
  return recipe;
}

/** `ablate recipe list`: one line per recipe with the runs it makes at its default budget. */
export function recipeListText(recipes: readonly RecipeDefinition[]): string {
  const rows = recipes.map((r) => {
    const settings = recipeRuns(r, 1);
    return [r.name, r.paper.source.paper.replace(/ \(.*$/, ''), r.paper.source.table, `${recipeRuns(r)} runs (${settings} settings × ${r.spec.seeds} seeds, ${r.spec.base.train.steps} steps each)`];
  });
  const all = [['NAME', 'PAPER', 'TABLE', 'RUNS AT THE DEFAULT BUDGET'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return `${all.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n')}\n`;
}

/** `ablate recipe show`: what it is, the paper's table and the spec it submits. */
export function recipeShowText(recipe: RecipeDefinition): string {
  const s = recipeSummary(recipe);
  return [
    `${recipe.name}: ${recipe.title}`,
    '',
    recipe.description,
    '',
    `compares Ablate's ${recipe.metric} by ${[...s.rows, ...(s.cols ? [s.cols] : [])].join(' × ')}; ${s.runs} runs of ${s.steps} steps at the default budget`,
    '',
    paperTableMarkdown(recipe),
    'sweep spec (POST /sweeps):',
    JSON.stringify(recipe.spec, null, 2),
    '',
  ].join('\n');
}

/** A whole number given on the command line, or a usage error naming the option. */
function wholeNumber(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${option}: must be a whole number, got '${raw}'`);
  return Number(raw);
}

/** The overrides of `recipe run`, checked with the contract's schema of POST /recipes/:name/sweeps's body. */
/** `--budget 2000` (steps of each run) or `--budget 30cpu-min` (CPU minutes for the whole sweep). */
function budgetOverride(raw: string | undefined): Pick<RecipeRunRequest, 'budget' | 'cpuMinutes'> {
  const cpu = raw === undefined ? null : /^(\d+(?:\.\d+)?)\s*cpu-?min$/i.exec(raw.trim());
  if (cpu) return { cpuMinutes: Number(cpu[1]) };
  if (raw !== undefined && !/^\d+$/.test(raw)) throw new UsageError(`--budget: must be a whole number of steps or CPU minutes as '30cpu-min', got '${raw}'`);
  return { budget: wholeNumber('--budget', raw) };
}

export function runOverrides(opts: RunOptions): RecipeRunRequest {
  let dataset: RecipeRunRequest['dataset'];
  if (opts.valDataset !== undefined && opts.dataset === undefined) throw new UsageError('--val-dataset: give --dataset too');
  if (opts.dataset !== undefined) {
    dataset = datasetSplits(opts.dataset, opts.valDataset);
    if (!dataset) throw new UsageError(`--dataset ${opts.dataset}: has no split to switch to val; give the validation set with --val-dataset`);
  }
  const raw = { dataset, ...budgetOverride(opts.budget), seeds: wholeNumber('--seeds', opts.seeds) };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  return parseOptions(RecipeRunRequestSchema, given, { dataset: '--dataset', budget: '--budget', cpuMinutes: '--budget', seeds: '--seeds' });
}

async function printComparison(target: ApiTarget, name: string, id: string): Promise<void> {
  const comparison = await callRoute(target, routes.recipeComparison, { params: { name, id } });
  console.log(comparison.markdown);
}

/** Waits for the sweep to end, then prints its failures (exit status 1 if any) and the comparison. */
async function waitAndCompare(target: ApiTarget, name: string, id: string): Promise<void> {
  const final = await watchSweep(target, id);
  console.log(`sweep ${id}: ${final.status}`);
  const failures = groupFailures(final);
  if (failures.length > 0) console.error(formatFailures(failures));
  await printComparison(target, name, id);
  if (failures.length > 0 || final.status === 'failed') process.exitCode = 1;
}

/** `ablate recipe list|show|run|compare`: the papers' ablation tables as ready-made sweeps. */
export function registerRecipeCommand(program: Command): void {
  const recipe = program.command('recipe').description("the papers' ablation tables as ready-made sweeps, compared with the papers' numbers");

  recipe
    .command('list')
    .description('list the recipes: paper, table and the runs each makes at its default budget')
    .option('--json', 'print them as GET /recipes answers them')
    .action((opts: { json?: boolean }) => {
      process.stdout.write(opts.json ? `${JSON.stringify(RECIPES.map(recipeSummary), null, 2)}\n` : recipeListText(RECIPES));
    });

  recipe
    .command('show <name>')
    .description("show a recipe: what it varies, the paper's table and the sweep spec")
    .action((name: string) => apiAction(async () => void process.stdout.write(recipeShowText(recipeNamed(name)))));

  withTarget(recipe.command('run <name>'))
    .description("submit a recipe's sweep through the API (prints its id); --wait follows it and prints the comparison")
    .option('--dataset <uri>', 'training dataset URI; its split=val is the validation set (synthetic, VOC)')
    .option('--val-dataset <uri>', 'validation dataset URI (needed for COCO files)')
    .option('--budget <steps|Ncpu-min>', "training steps of each run, or CPU minutes for the whole sweep ('30cpu-min': the API times the steps and fits them)")
    .option('--seeds <n>', 'seeds per setting')
    .option('--wait', 'follow the sweep to its end, then print the comparison with the paper')
    .action((name: string, opts: RunOptions) =>
      apiAction(async () => {
        recipeNamed(name);
        const body = runOverrides(opts);
        const target = apiTarget(opts);
        const sweep = await callRoute(target, routes.runRecipe, { params: { name }, body });
        console.log(sweep.id);
        if (body.cpuMinutes !== undefined) console.error(`${body.cpuMinutes} CPU-min: ${sweep.runs.length} runs of ${sweep.runs[0]?.totalSteps ?? 0} steps`);
        if (opts.wait) await waitAndCompare(target, name, sweep.id);
      }),
    );

  withTarget(recipe.command('compare <name> <sweepId>'))
    .description("print a recipe sweep's ablation table beside the paper's: both numbers, Spearman's ρ, the best settings")
    .action((name: string, sweepId: string, opts: TargetOptions) =>
      apiAction(async () => {
        recipeNamed(name);
        await printComparison(apiTarget(opts), name, sweepId);
      }),
    );
}
