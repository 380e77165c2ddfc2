import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidPipe } from '../http/uuid.pipe';
import { EvaluationsService } from './evaluations.service';

@ApiTags('evaluations')
@ApiBearerAuth()
@Controller('evaluations')
export class EvaluationsController {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: "Evaluate a run's checkpoint (newest by default) on a dataset (its val split by default)" })
  @ApiBody({ schema: { $ref: '#/components/schemas/EvaluationRequest' } })
  create(@Body() body: unknown) {
    return this.evaluations.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An evaluation: status, the 12 COCO stats, per-class AP, PR curves' })
  get(@Param('id', UuidPipe) id: string) {
    return this.evaluations.get(id);
  }
}
