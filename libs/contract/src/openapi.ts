import { z } from 'zod';
import { contractSchemas, ErrorBodySchema } from './common';
import { BinarySchema, TextSchema, type RouteDefinition } from './routes';

type JsonSchema = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** JSON Schema without the keywords a component or an inline OpenAPI 3.1 schema does not carry. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** The contract's named schemas as OpenAPI components (`ErrorBody`, `SweepDetail`, `Evaluation` …), as the API sends them. */
export function contractComponents(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(contractSchemas, { io: 'output', unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, bare(s as JsonSchema)]));
}

/** A response body's schema: a $ref for a named one, the OpenAPI idiom for text and bytes. */
function bodySchema(schema: z.ZodType): JsonSchema {
  if (schema === BinarySchema) return { type: 'string', format: 'binary' };
  if (schema === TextSchema) return { type: 'string' };
  const id = contractSchemas.get(schema)?.id;
  if (!id) throw new Error('a JSON response schema of a route must be registered in contractSchemas (it becomes a component)');
  return { $ref: `${COMPONENTS}${id}` };
}

/** OpenAPI parameters of an object schema of raw values (path, query or header). */
function parameters(where: 'path' | 'query' | 'header', schema: z.ZodObject | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    // The value a missing parameter takes (`limit` 50, `format` json), from the schema itself.
    const missing = (schema.shape as Record<string, z.ZodType>)[name]!.safeParse(undefined);
    const fallback = missing.success && missing.data !== undefined && !Array.isArray(missing.data) ? { default: missing.data } : {};
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: { ...rest, ...fallback },
    };
  });
}

/** `/sweeps/:id` → `/sweeps/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

/**
 * The OpenAPI operation of a route: summary, tag, security, parameters, request body (a $ref to
 * its component), each success status with its content types and headers, and ErrorBody for
 * every error status.
 */
export function routeOperation(route: RouteDefinition, security: { scheme: string }): JsonSchema {
  const content = Object.fromEntries(Object.entries(route.responses).map(([type, schema]) => [type, { schema: bodySchema(schema) }]));
  const headers = route.responseHeaders
    ? { headers: Object.fromEntries(Object.entries(route.responseHeaders).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
    : {};
  const responses: Record<string, JsonSchema> = {};
  for (const [status, description] of Object.entries(route.success)) responses[status] = { description, content, ...headers };
  responses['default'] = {
    description: 'An error: 400 names each offending field in `issues`; 401, 404, 409, 413, 422, 429, 503 say why in `message`',
    content: { 'application/json': { schema: { $ref: `${COMPONENTS}${contractSchemas.get(ErrorBodySchema)!.id}` } } },
  };
  return {
    summary: route.summary,
    tags: [route.tag],
    security: route.auth ? [{ [security.scheme]: [] }] : [],
    parameters: [...parameters('path', route.params), ...parameters('query', route.query), ...parameters('header', route.headers)],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `${COMPONENTS}${route.body}` } } } } } : {}),
    responses,
  };
}
