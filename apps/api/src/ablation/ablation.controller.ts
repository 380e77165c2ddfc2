import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationError } from '@ablate/jobs';
import { ablationToCsv, ablationToHtml, ablationToMarkdown, Store, type AblationQuery, type AblationMetric, type AblationTable } from '@ablate/store';
import { stringQuery } from '../http/query';
import { UuidPipe } from '../http/uuid.pipe';

const FORMATS = ['json', 'csv', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

function parseQuery(q: Record<string, unknown>): { query: AblationQuery; format: Format } {
  const rows = stringQuery('rows', q['rows']);
  const cols = stringQuery('cols', q['cols']);
  const metric = stringQuery('metric', q['metric']);
  const pool = stringQuery('pool', q['pool']);
  const format = stringQuery('format', q['format']) ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError([{ path: 'query.format', message: `must be one of ${FORMATS.join(', ')}` }]);
  }
  return {
    query: {
      ...(rows ? { rows: rows.split(',').filter((r) => r.trim().length > 0) } : {}),
      ...(cols ? { cols } : {}),
      ...(metric ? { metric: metric as AblationMetric } : {}),
      ...(pool ? { pool: pool.split(',').filter((p) => p.trim().length > 0) } : {}),
    },
    format: format as Format,
  };
}

function send(res: Response, table: AblationTable, format: Format, title: string): unknown {
  if (format === 'html') {
    res.type('text/html');
    return ablationToHtml(table, title);
  }
  if (format === 'csv') {
    res.type('text/csv');
    return ablationToCsv(table);
  }
  if (format === 'md') {
    res.type('text/markdown');
    return ablationToMarkdown(table);
  }
  return table;
}

const docQueries = [
  ApiQuery({ name: 'rows', required: false, description: 'Comma-separated config paths or aliases (default: the varied ones)' }),
  ApiQuery({ name: 'cols', required: false, description: 'A config path or alias: pivot one metric by rows × cols' }),
  ApiQuery({ name: 'metric', required: false, description: 'Metric of a pivot: a bbox stat (AP, AP50, AP75, APs, APm, APl, AR1 …) or another iou type\'s as <iouType>.<name> (segm.AP for the mask AP of Mask R-CNN runs); one some run of the table has (default AP)' }),
  ApiQuery({ name: 'format', required: false, enum: FORMATS, description: 'json (default), csv, md, or html (a page with a chart)' }),
  ApiQuery({
    name: 'pool',
    required: false,
    description: 'Comma-separated config paths a cell may average over (besides the seed); runs of a cell that differ elsewhere get 409 naming the paths',
  }),
];

/** Ablation tables: mean ± std over seeds of AP, AP50, AP75, APs, APm, APl per varied parameter, or a pivot. */
@ApiTags('ablation')
@ApiBearerAuth()
@Controller()
export class AblationController {
  constructor(@Inject(Store) private readonly store: Store) {}

  @Get('sweeps/:id/ablation')
  @ApiOperation({ summary: "A sweep's ablation table (json, csv or md)" })
  @(docQueries[0])
  @(docQueries[1])
  @(docQueries[2])
  @(docQueries[3])
  @(docQueries[4])
  async forSweep(@Param('id', UuidPipe) id: string, @Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const { query, format } = parseQuery(q);
    const table = await this.store.ablation.forSweep(id, query);
    return send(res, table, format, `Ablation — sweep ${(await this.store.sweeps.get(id)).name}`);
  }

  @Get('ablation')
  @ApiOperation({ summary: 'An ablation table across every sweep trained on a dataset (?dataset=<train URI>)' })
  @ApiQuery({ name: 'dataset', required: true, description: 'Training dataset URI shared by the sweeps' })
  @(docQueries[0])
  @(docQueries[1])
  @(docQueries[2])
  @(docQueries[3])
  @(docQueries[4])
  async forDataset(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const dataset = stringQuery('dataset', q['dataset']);
    if (!dataset) throw new ValidationError([{ path: 'query.dataset', message: 'required: the training dataset URI' }]);
    const { query, format } = parseQuery(q);
    return send(res, await this.store.ablation.forDataset(dataset, query), format, `Ablation — ${dataset}`);
  }
}
