import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { contractComponents, openApiPath, RecipeRunRequestSchema, routeOperation, routes, RunPatchSchema, SessionRequestSchema, SweepPatchSchema, type RequestBodyName, type RouteDefinition } from '@ablate/contract';
import { EvaluationRequestSchema, RunRequestSchema, SweepSpecInputSchema } from '@ablate/jobs';

/** The zod schema of each request body the contract names (the ones that validate them). */
const REQUEST_BODIES: Record<RequestBodyName, z.ZodType> = {
  SweepSpec: SweepSpecInputSchema,
  RunRequest: RunRequestSchema,
  EvaluationRequest: EvaluationRequestSchema,
  SessionRequest: SessionRequestSchema,
  SweepPatch: SweepPatchSchema,
  RunPatch: RunPatchSchema,
  RecipeRunRequest: RecipeRunRequestSchema,
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** JSON Schema of a request body from its zod schema, as OpenAPI 3.1 accepts. */
function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/**
 * The OpenAPI document: the paths Nest finds in the controllers, each operation written from its
 * route in @ablate/contract's table (summary, tag, security, path / query / header parameters, the
 * request body's component, every success status with its response schema, ErrorBody otherwise).
 * A controller route the table lacks, or a table route no controller serves, stops the API here.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Ablate')
    .setDescription(
      'Ablation studies of object detectors: submit sweeps, follow runs, read ablation tables. ' +
        'Every route but /health needs `Authorization: Bearer <key>`. Requests and responses are ' +
        'those of @ablate/contract, from which this document is generated.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.openapi = '3.1.0';
  const scheme = Object.keys(document.components?.securitySchemes ?? {})[0] ?? 'bearer';
  const unserved = new Map<string, RouteDefinition>(Object.values(routes).map((r) => [`${r.method} ${openApiPath(r.path)}`, r]));
  const undocumented: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const route = unserved.get(key);
      if (!route) {
        undocumented.push(key);
        continue;
      }
      unserved.delete(key);
      item[method] = { operationId: operation.operationId, ...routeOperation(route, { scheme }) } as typeof operation;
    }
  }
  if (undocumented.length > 0 || unserved.size > 0) {
    throw new Error(
      `the API and @ablate/contract's route table disagree: ${[
        ...undocumented.map((r) => `${r} has no entry in the table`),
        ...[...unserved.keys()].map((r) => `${r} is in the table but no controller serves it`),
      ].join('; ')}`,
    );
  }
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    ...contractComponents(),
    ...Object.fromEntries(Object.entries(REQUEST_BODIES).map(([name, schema]) => [name, bodySchema(schema)])),
  } as typeof document.components.schemas;
  return document;
}

/** OpenAPI at /docs (UI) and /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
