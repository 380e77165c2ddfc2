import { Inject, Injectable } from '@nestjs/common';
import { RecipeRunRequestSchema, type Recipe, type RecipeComparison, type SweepDetail } from '@ablate/contract';
import { compareRecipe, findRecipe, parseOrThrow, RECIPES, recipeSummary, recipeSweepSpec, stepsForCpuMinutes, type RecipeDefinition } from '@ablate/jobs';
import { ConflictError, NotFoundError, Store } from '@ablate/store';
import { SweepsService } from '../sweeps/sweeps.service';

/** Recipes (@ablate/jobs): list them, submit one as a sweep, compare a sweep of one with its paper. */
@Injectable()
export class RecipesService {
  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(SweepsService) private readonly sweeps: SweepsService,
  ) {}

  list(): Recipe[] {
    return RECIPES.map(recipeSummary);
  }

  /**
   * The recipe's sweep with the body's overrides, through POST /sweeps's path (validation, checks,
   * one flow). A `cpuMinutes` budget is planned first, as a dry run (steps timed per model), and
   * becomes the steps per run that fit it.
   */
  async run(name: string, body: unknown): Promise<SweepDetail> {
    const recipe = recipeNamed(name);
    const { cpuMinutes, ...overrides } = parseOrThrow(RecipeRunRequestSchema, body ?? {}, 'recipe overrides');
    if (cpuMinutes !== undefined) overrides.budget = stepsForCpuMinutes(await this.sweeps.plan(recipeSweepSpec(recipe, overrides)), cpuMinutes);
    return (await this.sweeps.create(recipeSweepSpec(recipe, overrides), undefined)).sweep;
  }

  /**
   * The sweep's ablation table in list mode keyed by the recipe's axes (a list has every metric
   * the ended runs have, so a sweep with no ended run yet compares as empty instead of refusing
   * an unknown metric), set beside the paper's.
   */
  async comparison(name: string, sweepId: string): Promise<RecipeComparison> {
    const recipe = recipeNamed(name);
    const axes = [...recipe.rows, ...(recipe.cols !== undefined ? [recipe.cols] : [])];
    checkAxes(recipe, axes, await this.store.sweeps.get(sweepId));
    const table = await this.store.ablation.forSweep(sweepId, { rows: axes });
    return compareRecipe(recipe, table, sweepId);
  }
}

function recipeNamed(name: string): RecipeDefinition {
  const recipe = findRecipe(name);
  if (!recipe) throw new NotFoundError('recipe', `${name} (recipes: ${RECIPES.map((r) => r.name).join(', ')})`);
  return recipe;
}

/** A sweep that does not vary the recipe's axes cannot be set beside its table: 409 naming both. */
function checkAxes(recipe: RecipeDefinition, axes: string[], sweep: { id: string; spec: Record<string, unknown> }): void {
  const grid = (sweep.spec['grid'] as { path: string }[] | undefined) ?? [];
  const varied = grid.map((a) => a.path);
  if (axes.every((p) => varied.includes(p))) return;
  throw new ConflictError(`sweep ${sweep.id} varies ${varied.join(', ') || 'nothing'}; recipe ${recipe.name} compares ${axes.join(' × ')}`);
}
