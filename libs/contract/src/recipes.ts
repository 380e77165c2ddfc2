import { z } from 'zod';
import { AblationCellSchema } from './ablation';
import { contractSchemas, IdSchema } from './common';

/**
 * Recipes: the ablation tables of the papers (RetinaNet Table 1, EfficientDet's fusion and scaling,
 * Mask R-CNN Table 2 …) as ready-made sweeps, and the comparison of a recipe's sweep with the
 * paper's numbers. The recipes themselves live in @ablate/jobs; these are the shapes the API
 * answers and takes.
 */

/** Where a paper's table is: the paper, its table (or figure), the page if known, a link. */
export const PaperSourceSchema = z
  .object({
    paper: z.string(),
    table: z.string().describe('Table 1a, Table 2c …'),
    page: z.number().int().optional(),
    url: z.string(),
  })
  .register(contractSchemas, { id: 'PaperSource' });

/** One number of a paper's table, at the config values of its row and column. */
export const PaperCellSchema = z
  .object({
    key: z.record(z.string(), z.unknown()).describe('Config path → value, as a RunConfig holds it (loss.alpha: 0.25)'),
    value: z.number().describe('As the paper prints it (AP ×100, error in %)'),
  })
  .register(contractSchemas, { id: 'PaperCell' });

export const PaperTableSchema = z
  .object({
    caption: z.string(),
    source: PaperSourceSchema,
    metric: z.string().describe('What the paper reports (COCO AP, mask AP, ImageNet val error …)'),
    better: z.enum(['higher', 'lower']).describe('Whether a larger number of the paper is better'),
    cells: z.array(PaperCellSchema),
  })
  .register(contractSchemas, { id: 'PaperTable' });
export type PaperTable = z.infer<typeof PaperTableSchema>;
export type PaperCell = z.infer<typeof PaperCellSchema>;

/** A recipe as `GET /recipes` lists it: what it runs at its default budget and what it reproduces. */
export const RecipeSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    paper: PaperTableSchema,
    rows: z.array(z.string()).describe("Config paths of the table's rows"),
    cols: z.string().nullable().describe("Config path of the table's columns (null: rows only)"),
    metric: z.string().describe("Ablate's metric compared with the paper's (AP, AP50, segm.AP)"),
    runs: z.number().int().describe('Runs the sweep makes at the default budget (grid points × seeds)'),
    steps: z.number().int().describe('Training steps of each run at the default budget'),
    seeds: z.number().int(),
    spec: z.record(z.string(), z.unknown()).describe('The SweepSpec it submits at the default budget'),
  })
  .register(contractSchemas, { id: 'Recipe' });
export type Recipe = z.infer<typeof RecipeSchema>;
export const RecipeListSchema = z.array(RecipeSchema).register(contractSchemas, { id: 'RecipeList' });

/** The body of `POST /recipes/:name/sweeps`: what scales a recipe; everything else is the recipe's. */
export const RecipeRunRequestSchema = z
  .object({
    dataset: z
      .object({ train: z.string().min(1), val: z.string().min(1) })
      .strict()
      .optional()
      .describe("Dataset URIs replacing the recipe's synthetic shapes"),
    budget: z.number().int().min(1).max(1_000_000).optional().describe('Training steps of each run (train.steps)'),
    cpuMinutes: z
      .number()
      .positive()
      .max(1_000_000)
      .optional()
      .describe('CPU minutes for the whole sweep instead of `budget`: every run gets the steps that fit, from training steps the API times as a dry run does'),
    seeds: z.number().int().min(1).max(100).optional().describe('Seeds per grid point (0..n−1)'),
  })
  .strict()
  .refine((r) => r.budget === undefined || r.cpuMinutes === undefined, { path: ['cpuMinutes'], message: 'give budget (steps) or cpuMinutes, not both' })
  .register(contractSchemas, { id: 'RecipeRunRequest', description: "Overrides of a recipe's dataset, budget and seeds" });
export type RecipeRunRequest = z.infer<typeof RecipeRunRequestSchema>;

/** One cell of a comparison: the paper's number and Ablate's mean ± std over seeds, either possibly absent. */
export const ComparisonCellSchema = z
  .object({
    key: z.record(z.string(), z.unknown()),
    paper: z.number().nullable(),
    ablate: AblationCellSchema.nullable(),
  })
  .register(contractSchemas, { id: 'ComparisonCell' });

export const RecipeComparisonSchema = z
  .object({
    recipe: z.string(),
    sweepId: IdSchema,
    paper: PaperTableSchema.omit({ cells: true }),
    metric: z.string().describe("Ablate's metric"),
    axes: z.array(z.string()).describe('Config paths that key the cells'),
    cells: z.array(ComparisonCellSchema),
    samples: z.number().int().describe('Ended runs of the sweep the table was built from'),
    spearman: z
      .object({
        rho: z.number().nullable().describe('Rank correlation (ties averaged) over the cells with both numbers; > 0 means the orders agree (a lower-is-better paper metric is negated); null under 2 cells or with constant ranks'),
        n: z.number().int(),
      })
      .strict(),
    best: z
      .object({
        paper: z.record(z.string(), z.unknown()).nullable().describe("The paper's best setting among the cells Ablate has"),
        ablate: z.record(z.string(), z.unknown()).nullable().describe("Ablate's best setting (highest mean)"),
        agree: z.boolean().nullable().describe("Whether the paper's best is Ablate's best within its std; null when it cannot be told"),
        verdict: z.string(),
      })
      .strict(),
    markdown: z.string(),
  })
  .register(contractSchemas, { id: 'RecipeComparison' });
export type RecipeComparison = z.infer<typeof RecipeComparisonSchema>;
export type ComparisonCell = z.infer<typeof ComparisonCellSchema>;

/** `:name` of the recipe routes. */
export const RecipeNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a recipe name (lower case, digits and -)');
