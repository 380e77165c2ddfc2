import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { UuidPipe } from '../http/uuid.pipe';
import { EvaluationsService } from './evaluations.service';

/** The evaluation routes of @ablate/contract (their summaries, bodies and responses are documented from it). */
@Controller('evaluations')
export class EvaluationsController {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {}

  @Post()
  @HttpCode(202)
  create(@Body() body: unknown) {
    return this.evaluations.create(body);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string) {
    return this.evaluations.get(id);
  }
}
