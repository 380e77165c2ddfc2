import { RunConfigSchema } from '@ablate/detection';
import { parseJobData } from './job-payloads';
import { validateEvaluationRequest, validateRunRequest } from './run-request';
import { ValidationError } from './validation-error';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?seed=1' };
const runId = '3f0c1f7e-8a59-4d7c-9a44-6b0f0c7f2a10';

describe('job payloads', () => {
  it('accepts a train payload and names a bad field', () => {
    const config = RunConfigSchema.parse({ dataset });
    expect(parseJobData('train', { runId, sweepId: null, config }).config.loss.gamma).toBe(2);
    try {
      parseJobData('evaluate', { evaluationId: 'x', runId, dataset: 'd', step: null });
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['evaluationId']);
    }
  });

  it('validates run and evaluation requests with field paths', () => {
    expect(validateRunRequest({ config: { dataset } }).config.anchors.scalesPerOctave).toBe(3);
    expect(() => validateRunRequest({ config: { dataset, model: { phi: 9 } } })).toThrow(/config\.model\.phi/);
    expect(validateEvaluationRequest({ runId })).toEqual({ runId });
    expect(() => validateEvaluationRequest({ runId, step: 1.5 })).toThrow(/step/);
  });
});
