import { z } from 'zod';
import { DetectorConfigSchema } from '../../families';

export { DetectorConfigSchema };
/** A DetectorConfig as a test writes it (defaults left out). */
export type DetectorConfigInput = z.input<typeof DetectorConfigSchema>;
