import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { EvaluationRequestSchema, RunRequestSchema, SweepSpecInputSchema } from '@ablate/jobs';

/** JSON Schema of a request body from its zod schema (the one that validates it), as OpenAPI 3.1 accepts. */
function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** OpenAPI at /docs (UI) and /docs-json, request bodies documented from the zod schemas. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Ablate')
    .setDescription(
      'Ablation studies of object detectors: submit sweeps, follow runs, read ablation tables. ' +
        'Every route but /health needs `Authorization: Bearer <key>`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.openapi = '3.1.0';
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    SweepSpec: bodySchema(SweepSpecInputSchema),
    RunRequest: bodySchema(RunRequestSchema),
    EvaluationRequest: bodySchema(EvaluationRequestSchema),
  } as typeof document.components.schemas;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
