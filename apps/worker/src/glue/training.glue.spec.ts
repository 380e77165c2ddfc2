import { RunMemoryError } from '@ablate/detection';
import { createTrainingPort } from './training.glue';

describe('the training port’s user errors', () => {
  it('counts a run that cannot fit in memory as the user’s (failed, never retried), like a bad dataset', () => {
    const port = createTrainingPort();
    expect(port.isUserError(new RunMemoryError('run', 'needs about 21880 MB, the limit is 3584 MB'))).toBe(true);
    expect(port.isUserError(new Error('connection terminated'))).toBe(false);
  });
});
