import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from './metrics.service';

/** GET /metrics of @ablate/contract (documented from it). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: Response) {
    const { contentType, body } = await this.metrics.scrape();
    res.type(contentType);
    return body;
  }
}
