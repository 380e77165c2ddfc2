import { z } from 'zod';
import { contractSchemas } from './common';

/**
 * Signing in a browser (the web console): the key is posted once and comes back as an HttpOnly,
 * SameSite=Strict cookie, so it is never in a URL and no script can read it.
 */
export const SessionRequestSchema = z
  .object({ key: z.string().min(1, 'the API key is required').max(1024) })
  .strict()
  .register(contractSchemas, { id: 'SessionRequest' });

export const SessionSchema = z
  .object({
    signedIn: z.boolean(),
    role: z.enum(['user', 'admin']).nullable().describe('admin keys may also administer the queues'),
  })
  .register(contractSchemas, { id: 'Session' });
export type Session = z.infer<typeof SessionSchema>;
