import { planSweep } from '../expand-sweep';
import { getPath } from '../config-paths';
import { ValidationError } from '../validation-error';
import { datasetSplits, findRecipe, recipeRuns, recipeSummary, recipeSweepSpec, RECIPES, stepsForCpuMinutes } from './index';

describe('recipes', () => {
  it.each(RECIPES.map((r) => [r.name, r] as const))('%s: its spec is a valid sweep whose axes are the table’s rows and columns', (_name, recipe) => {
    const { spec, runs } = planSweep(recipeSweepSpec(recipe));
    expect(spec.grid.map((a) => a.path)).toEqual([...recipe.rows, ...(recipe.cols ? [recipe.cols] : [])]);
    expect(runs).toHaveLength(recipeRuns(recipe));
    // CPU-sized by default: at most 128 px, and an hour's budget on two cores leaves room.
    for (const run of runs) expect(run.config.model.inputSize).toBeLessThanOrEqual(128);
    expect(recipeRuns(recipe)).toBeLessThanOrEqual(48);
  });

  it.each(RECIPES.map((r) => [r.name, r] as const))('%s: the paper’s cells are keyed by values the grid takes', (_name, recipe) => {
    const { spec, runs } = planSweep(recipeSweepSpec(recipe));
    const axes = spec.grid.map((a) => a.path);
    const settings = new Set(runs.map((r) => JSON.stringify(axes.map((p) => getPath(r.config, p)))));
    expect(recipe.paper.cells.length).toBeGreaterThanOrEqual(2);
    const matched = recipe.paper.cells.filter((c) => {
      expect(Object.keys(c.key).sort()).toEqual([...axes].sort());
      return settings.has(JSON.stringify(axes.map((p) => c.key[p])));
    });
    // Every paper cell is run, but for the GN paper's batch sizes of 16 and 32 (too large for a CPU budget).
    expect(matched.length).toBe(recipe.name === 'groupnorm-batch' ? 6 : recipe.paper.cells.length);
  });

  it('names are unique and found by name', () => {
    expect(new Set(RECIPES.map((r) => r.name)).size).toBe(RECIPES.length);
    expect(findRecipe('retinanet-1a')?.paper.source.table).toBe('Table 1a');
    expect(findRecipe('nope')).toBeUndefined();
  });

  it('scales a recipe by dataset, budget and seeds, and tags its sweep', () => {
    const recipe = findRecipe('retinanet-1a')!;
    const dataset = { train: 'synthetic:shapes?images=32&size=32', val: 'synthetic:shapes?images=8&size=32&split=val' };
    const spec = recipeSweepSpec(recipe, { dataset, budget: 10, seeds: 3 });
    expect(spec).toMatchObject({ name: 'recipe retinanet-1a', dataset, seeds: 3, tags: ['recipe:retinanet-1a'], base: { train: { steps: 10, batchSize: 8 }, loss: { gamma: 0 } } });
    expect(planSweep(spec).runs).toHaveLength(21);
    // The recipe itself is untouched.
    expect(recipe.spec.base.train.steps).toBe(600);
    expect(recipeSummary(recipe)).toMatchObject({ name: 'retinanet-1a', runs: 14, steps: 600, seeds: 2, rows: ['loss.alpha'], cols: null, metric: 'AP' });
  });

  it('fits a CPU-minute budget: the whole steps per run whose cost over every run stays within it', () => {
    // Two models: 10 runs at 0.05 s a step and 4 runs at 0.2 s: one step of the sweep is 1.3 CPU-s on one thread, 2.6 on two.
    const models = [
      { label: 'a', runs: 10, steps: 0, secondsPerStep: 0.05, measuredSteps: 3, cached: false, coreHours: 0 },
      { label: 'b', runs: 4, steps: 0, secondsPerStep: 0.2, measuredSteps: 3, cached: false, coreHours: 0 },
    ];
    const plan = (threads: number) => ({ runCount: 14, cost: { coreHours: 0, backend: 'wasm', threads, models } });
    expect(stepsForCpuMinutes(plan(1), 10)).toBe(Math.floor(600 / 1.3));
    expect(stepsForCpuMinutes(plan(2), 10)).toBe(Math.floor(600 / 2.6));
    expect(stepsForCpuMinutes(plan(1), 1.3 / 60)).toBe(1);
    const tooSmall = () => stepsForCpuMinutes(plan(1), 0.01);
    expect(tooSmall).toThrow(ValidationError);
    expect(tooSmall).toThrow(/cpuMinutes: 0\.01 CPU-min cannot train one step of each of the 14 runs \(that costs 0\.022 CPU-min\)/);
  });

  it('derives the validation split of a synthetic or VOC dataset URI, and needs it given for COCO', () => {
    expect(datasetSplits('synthetic:shapes?images=64&size=64')).toEqual({
      train: 'synthetic:shapes?images=64&size=64&split=train',
      val: 'synthetic:shapes?images=64&size=64&split=val',
    });
    expect(datasetSplits('voc:VOC2007?split=trainval')).toEqual({ train: 'voc:VOC2007?split=trainval', val: 'voc:VOC2007?split=val' });
    expect(datasetSplits('coco:train.json?images=img')).toBeUndefined();
    expect(datasetSplits('coco:train.json', 'coco:val.json')).toEqual({ train: 'coco:train.json', val: 'coco:val.json' });
  });
});
