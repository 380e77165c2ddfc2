import { z } from 'zod';
import { contractSchemas } from './common';
import { listParam, stringParam } from './query';

/** Mean ± sample standard deviation of a metric over the runs of a cell. */
export const AblationCellSchema = z
  .object({
    mean: z.number().nullable(),
    std: z.number().nullable().describe('Sample std (n − 1); null with fewer than 2 values'),
    n: z.number().int().describe('Runs contributing'),
    failed: z.number().int().describe('Runs of the cell that failed or diverged'),
  })
  .register(contractSchemas, { id: 'AblationCell' });

export const AblationRowSchema = z
  .object({
    key: z.record(z.string(), z.unknown()).describe('Config path → value of this row'),
    cells: z.record(z.string(), AblationCellSchema).describe('List mode: metric → cell; pivot mode: JSON of the column value → cell'),
    runs: z.number().int(),
    failed: z.number().int(),
  })
  .register(contractSchemas, { id: 'AblationRow' });

/** An ablation table as JSON (`format=json`, the default). */
export const AblationTableSchema = z
  .object({
    mode: z.enum(['list', 'pivot']),
    rows: z.array(z.string()),
    cols: z.string().nullable(),
    metric: z.string().nullable().describe('The metric of a pivot (AP, segm.AP …); null in list mode'),
    columns: z.array(z.string()),
    entries: z.array(AblationRowSchema),
    samples: z.number().int().describe('Ended runs the table was built from'),
    pooled: z.array(z.string()).describe('Config paths over which runs of one cell were allowed to differ, besides the seed'),
  })
  .register(contractSchemas, { id: 'AblationTable' });
export type AblationTable = z.infer<typeof AblationTableSchema>;

export const ABLATION_FORMATS = ['json', 'csv', 'md', 'html'] as const;
export type AblationFormat = (typeof ABLATION_FORMATS)[number];

/** `GET /sweeps/:id/ablation?rows&cols&metric&pool&format`. */
export const AblationQuerySchema = z.object({
  rows: listParam().optional().describe('Comma-separated config paths or aliases (default: the varied ones)'),
  cols: stringParam().optional().describe('A config path or alias: pivot one metric by rows × cols'),
  metric: stringParam()
    .optional()
    .describe(
      "Metric of a pivot: a bbox stat (AP, AP50, AP75, APs, APm, APl, AR1 …) or another iou type's as <iouType>.<name> (segm.AP for the mask AP of Mask R-CNN runs, keypoints.AP … keypoints.ARl for the keypoint AP of Keypoint R-CNN runs); one some run of the table has (default AP)",
    ),
  pool: listParam()
    .optional()
    .describe('Comma-separated config paths a cell may average over (besides the seed); runs of a cell that differ elsewhere get 409 naming the paths'),
  format: z
    .enum(ABLATION_FORMATS, { error: `must be one of ${ABLATION_FORMATS.join(', ')}` })
    .default('json')
    .describe('json (default), csv, md, or html (a page with a chart)'),
});

/** `GET /ablation?dataset=…&rows&cols&metric&pool&format`: across every sweep trained on a dataset. */
export const DatasetAblationQuerySchema = AblationQuerySchema.extend({
  dataset: z
    .string({ error: (iss) => (iss.input === undefined ? 'required: the training dataset URI' : 'must be given once, as a string') })
    .describe('Training dataset URI shared by the sweeps'),
});
