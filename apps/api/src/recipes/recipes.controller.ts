import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { UuidPipe } from '../http/uuid.pipe';
import { RecipesService } from './recipes.service';

/** The recipe routes of @ablate/contract: the papers' ablation tables as sweeps, and their comparison. */
@Controller('recipes')
export class RecipesController {
  constructor(@Inject(RecipesService) private readonly recipes: RecipesService) {}

  @Get()
  list() {
    return this.recipes.list();
  }

  @Post(':name/sweeps')
  run(@Param('name') name: string, @Body() body: unknown) {
    return this.recipes.run(name, body);
  }

  @Get(':name/sweeps/:id/comparison')
  comparison(@Param('name') name: string, @Param('id', UuidPipe) id: string) {
    return this.recipes.comparison(name, id);
  }
}
