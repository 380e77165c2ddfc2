import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { intQuery } from '../http/query';
import { UuidPipe } from '../http/uuid.pipe';
import { RunsService } from './runs.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Post()
  @ApiOperation({ summary: 'Train one run outside any sweep' })
  @ApiBody({ schema: { $ref: '#/components/schemas/RunRequest' } })
  create(@Body() body: unknown) {
    return this.runs.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run: config, status, attempts, worker, backend, timings, metrics by step, final evaluation' })
  get(@Param('id', UuidPipe) id: string) {
    return this.runs.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel one run: removed if queued, stopped at its next step if running' })
  cancel(@Param('id', UuidPipe) id: string) {
    return this.runs.cancel(id);
  }

  @Get(':id/checkpoint')
  @ApiOperation({ summary: 'The newest checkpoint (or ?step=N) as bytes; X-Checkpoint-Step names its step' })
  @ApiProduces('application/octet-stream')
  async checkpoint(@Param('id', UuidPipe) id: string, @Query('step') step: unknown, @Res({ passthrough: true }) res: Response) {
    const s = step === undefined ? undefined : intQuery('step', step, 0, 0, 2 ** 31 - 1);
    const ckpt = await this.runs.checkpoint(id, s);
    res.setHeader('X-Checkpoint-Step', String(ckpt.step));
    return new StreamableFile(Readable.from(ckpt.chunks), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${id}-step${ckpt.step}.ckpt"`,
      length: ckpt.size,
    });
  }

  @Get(':id/detections')
  @ApiOperation({ summary: "The final evaluation's detections, COCO results format (bbox [x, y, w, h] px)" })
  detections(@Param('id', UuidPipe) id: string) {
    return this.runs.detections(id);
  }
}
