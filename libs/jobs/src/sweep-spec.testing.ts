import { validateSweepSpec } from './sweep-spec';
import { ValidationError, type FieldIssue } from './validation-error';

/** A dataset pair the sweep-spec specs submit (never loaded: validation only parses the references). */
export const SPEC_DATASET = { train: 'synthetic:shapes?n=8', val: 'synthetic:shapes?n=4&seed=1' };

/** The field issues `validateSweepSpec` refuses `input` with; fails the test when it accepts it. */
export function sweepSpecIssues(input: unknown, maxRuns?: number): FieldIssue[] {
  try {
    validateSweepSpec(input, { maxRuns });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}
