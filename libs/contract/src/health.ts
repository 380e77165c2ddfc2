import { z } from 'zod';
import { contractSchemas, TimestampSchema } from './common';

const indicator = {
  status: z.enum(['up', 'down']),
  message: z.string().optional().describe('Why it is down'),
};

export const HealthIndicatorSchema = z.object(indicator).register(contractSchemas, { id: 'HealthIndicator' });

/** The state of each dependency, as @nestjs/terminus reports it. */
export const HealthDetailsSchema = z
  .object({
    postgres: HealthIndicatorSchema,
    redis: HealthIndicatorSchema,
    queues: z.object({
      ...indicator,
      lagSeconds: z.record(z.string(), z.number()).optional().describe('Age of the oldest job waiting to start, per queue'),
      maxLagSeconds: z.number().optional(),
    }),
    reconciler: z.object({
      ...indicator,
      lastPassAt: TimestampSchema.nullable().describe("The reconciler's last pass in this process; null before the first"),
      checked: z.number().int().optional(),
      requeued: z.number().int().optional(),
      failed: z.number().int().optional(),
      unrepaired: z.number().int().optional().describe('Runs the pass could not check or repair'),
    }),
  })
  .register(contractSchemas, { id: 'HealthDetails' });

/** `GET /health` (200; a 503 is an ErrorBody whose `details` are these). */
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'error', 'shutting_down']),
    info: z.record(z.string(), z.looseObject({ status: z.string() })).optional().describe('The indicators that are up'),
    error: z.record(z.string(), z.looseObject({ status: z.string() })).optional().describe('The indicators that are down'),
    details: HealthDetailsSchema,
  })
  .register(contractSchemas, { id: 'Health' });
export type Health = z.infer<typeof HealthSchema>;
