import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { routes, type AblationFormat } from '@ablate/contract';
import { ablationToCsv, ablationToHtml, ablationToMarkdown, Store, type AblationQuery, type AblationMetric, type AblationTable } from '@ablate/store';
import { parseQuery } from '../http/query';
import { UuidPipe } from '../http/uuid.pipe';

type Format = AblationFormat;

/** The table's query from the parsed parameters of @ablate/contract's AblationQuerySchema. */
function tableQuery(q: { rows?: string[]; cols?: string; metric?: string; pool?: string[] }): AblationQuery {
  return {
    ...(q.rows ? { rows: q.rows } : {}),
    ...(q.cols ? { cols: q.cols } : {}),
    ...(q.metric ? { metric: q.metric as AblationMetric } : {}),
    ...(q.pool ? { pool: q.pool } : {}),
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

/** Ablation tables: mean ± std over seeds of AP, AP50, AP75, APs, APm, APl per varied parameter, or a pivot. */
@Controller()
export class AblationController {
  constructor(@Inject(Store) private readonly store: Store) {}

  @Get('sweeps/:id/ablation')
  async forSweep(@Param('id', UuidPipe) id: string, @Query() q: unknown, @Res({ passthrough: true }) res: Response) {
    const { format, ...query } = parseQuery(routes.sweepAblation, q);
    const table = await this.store.ablation.forSweep(id, tableQuery(query));
    return send(res, table, format, `Ablation — sweep ${(await this.store.sweeps.get(id)).name}`);
  }

  @Get('ablation')
  async forDataset(@Query() q: unknown, @Res({ passthrough: true }) res: Response) {
    const { format, dataset, ...query } = parseQuery(routes.datasetAblation, q);
    return send(res, await this.store.ablation.forDataset(dataset, tableQuery(query)), format, `Ablation — ${dataset}`);
  }
}
