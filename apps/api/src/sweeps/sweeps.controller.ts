import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { routes } from '@ablate/contract';
import { UuidPipe } from '../http/uuid.pipe';
import { parseQuery } from '../http/query';
import { SweepsService } from './sweeps.service';

/** The sweep routes of @ablate/contract (their summaries, parameters and responses are documented from it). */
@Controller('sweeps')
export class SweepsController {
  constructor(@Inject(SweepsService) private readonly sweeps: SweepsService) {}

  @Post()
  async create(@Body() body: unknown, @Query() query: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    // A dry run answers 200 with a plan (SweepPlan): nothing is written, nothing queued.
    if (parseQuery(routes.submitSweep, query).dryRun) {
      const plan = await this.sweeps.plan(body);
      res.status(200);
      return plan;
    }
    const result = await this.sweeps.create(body, key);
    res.status(result.created ? 201 : 200);
    return result.sweep;
  }

  @Get()
  list(@Query() query: unknown) {
    return this.sweeps.list(parseQuery(routes.listSweeps, query));
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string) {
    return this.sweeps.get(id);
  }

  @Patch(':id')
  annotate(@Param('id', UuidPipe) id: string, @Body() body: unknown) {
    return this.sweeps.annotate(id, body);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Param('id', UuidPipe) id: string) {
    return this.sweeps.cancel(id);
  }
}
