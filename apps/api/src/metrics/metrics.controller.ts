import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics: queue depth by state, job durations, runs by status, images/s' })
  @ApiProduces('text/plain')
  async scrape(@Res({ passthrough: true }) res: Response) {
    const { contentType, body } = await this.metrics.scrape();
    res.type(contentType);
    return body;
  }
}
