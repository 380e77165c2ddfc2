import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { routes } from '@ablate/contract';
import { parseParams, parseQuery } from '../http/query';
import { UuidPipe } from '../http/uuid.pipe';
import { RunsService } from './runs.service';

/** The run routes of @ablate/contract (their summaries, parameters and responses are documented from it). */
@Controller('runs')
export class RunsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Post()
  create(@Body() body: unknown) {
    return this.runs.create(body);
  }

  @Get()
  list(@Query() query: unknown) {
    return this.runs.list(parseQuery(routes.listRuns, query));
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string) {
    return this.runs.get(id);
  }

  @Patch(':id')
  annotate(@Param('id', UuidPipe) id: string, @Body() body: unknown) {
    return this.runs.annotate(id, body);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Param('id', UuidPipe) id: string) {
    return this.runs.cancel(id);
  }

  @Get(':id/checkpoint')
  async checkpoint(@Param('id', UuidPipe) id: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const { step } = parseQuery(routes.runCheckpoint, query);
    const ckpt = await this.runs.checkpoint(id, step);
    res.setHeader('X-Checkpoint-Step', String(ckpt.step));
    return new StreamableFile(Readable.from(ckpt.chunks), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${id}-step${ckpt.step}.ckpt"`,
      length: ckpt.size,
    });
  }

  @Get(':id/detections')
  detections(@Param('id', UuidPipe) id: string) {
    return this.runs.detections(id);
  }

  @Get(':id/checkpoints')
  checkpoints(@Param('id', UuidPipe) id: string) {
    return this.runs.checkpoints(id);
  }

  @Get(':id/images')
  images(@Param('id', UuidPipe) id: string, @Query() query: unknown) {
    return this.runs.images(id, parseQuery(routes.runImages, query));
  }

  @Get(':id/images/:imageId')
  async image(@Param('id', UuidPipe) id: string, @Param('imageId') rawImageId: string) {
    const { imageId } = parseParams(routes.runImage, { id, imageId: rawImageId });
    return new StreamableFile(await this.runs.imagePng(id, imageId), { type: 'image/png' });
  }

  @Get(':id/images/:imageId/annotations')
  annotations(@Param('id', UuidPipe) id: string, @Param('imageId') rawImageId: string) {
    const { imageId } = parseParams(routes.runImageAnnotations, { id, imageId: rawImageId });
    return this.runs.imageAnnotations(id, imageId);
  }
}
