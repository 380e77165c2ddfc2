import { TrainConfigSchema } from '../config';
import { learningRateAt } from './lr-schedule';

describe('learningRateAt', () => {
  const base = TrainConfigSchema.parse({ lr: 0.1, steps: 100, warmupSteps: 10, warmupFactor: 0.001 });

  it('warms up linearly from warmupFactor·lr (cosine base)', () => {
    // step 0: cos base 0.1, warmup factor 0.001 → 1e-4
    expect(learningRateAt(0, base)).toBeCloseTo(1e-4, 12);
    // step 5: base 0.1·½(1+cos(π·5/100)) = 0.1·0.99384417 = 0.099384417; factor 0.001 + 0.999·0.5 = 0.5005
    expect(learningRateAt(5, base)).toBeCloseTo(0.099384417 * 0.5005, 8);
    // step 10: warmup over; ½(1+cos(π/10)) = 0.97552826
    expect(learningRateAt(10, base)).toBeCloseTo(0.097552826, 8);
  });

  it('decays by cosine to 0 at the last step', () => {
    // step 50: ½(1 + cos(π/2)) = ½
    expect(learningRateAt(50, base)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(100, base)).toBeCloseTo(0, 12);
  });

  it('steps down at the milestones (RetinaNet: 60k and 80k of 90k)', () => {
    const c = TrainConfigSchema.parse({ lr: 0.01, steps: 90, warmupSteps: 0, schedule: 'step' });
    // milestones 2/3·90 = 60 and 8/9·90 = 80
    expect(learningRateAt(59, c)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(60, c)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(79, c)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(80, c)).toBeCloseTo(0.0001, 12);
  });

  it('recomputes from a larger total when a run is extended', () => {
    const longer = { ...base, steps: 200 };
    // step 50 of 200: ½(1 + cos(π/4)) = 0.85355339
    expect(learningRateAt(50, longer)).toBeCloseTo(0.085355339, 8);
  });

  it('is constant after warmup for the constant schedule', () => {
    const c = TrainConfigSchema.parse({ lr: 0.02, steps: 10, warmupSteps: 2, warmupFactor: 0.5, schedule: 'constant' });
    // step 1: 0.5 + 0.5·(1/2) = 0.75 → 0.015
    expect(learningRateAt(1, c)).toBeCloseTo(0.015, 12);
    expect(learningRateAt(7, c)).toBeCloseTo(0.02, 12);
  });
});
