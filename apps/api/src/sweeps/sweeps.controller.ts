import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { UuidPipe } from '../http/uuid.pipe';
import { intQuery } from '../http/query';
import { SweepsService } from './sweeps.service';

@ApiTags('sweeps')
@ApiBearerAuth()
@Controller('sweeps')
export class SweepsController {
  constructor(@Inject(SweepsService) private readonly sweeps: SweepsService) {}

  @Post()
  @ApiOperation({ summary: 'Submit a sweep: validated, expanded into runs, written in one transaction, enqueued as one flow' })
  @ApiBody({ schema: { $ref: '#/components/schemas/SweepSpec' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A resubmission with the same key returns the first sweep' })
  @ApiResponse({ status: 201, description: 'Created' })
  @ApiResponse({ status: 200, description: 'The sweep first created with this Idempotency-Key' })
  @ApiResponse({ status: 400, description: 'Invalid spec; `issues` names each offending field' })
  async create(@Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const result = await this.sweeps.create(body, key);
    res.status(result.created ? 201 : 200);
    return result.sweep;
  }

  @Get()
  @ApiOperation({ summary: 'List sweeps, newest first (?limit=50&offset=0)' })
  list(@Query('limit') limit: unknown, @Query('offset') offset: unknown) {
    return this.sweeps.list(intQuery('limit', limit, 50, 1, 500), intQuery('offset', offset, 0, 0, 1_000_000));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A sweep: status, progress, ETA, runs by status' })
  get(@Param('id', UuidPipe) id: string) {
    return this.sweeps.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel: queued runs removed, running runs stopped at their next step' })
  cancel(@Param('id', UuidPipe) id: string) {
    return this.sweeps.cancel(id);
  }
}
