import { parseRunConfig, RunConfigError } from './run-config';

describe('parseRunConfig', () => {
  it('fills the defaults around the dataset', () => {
    const c = parseRunConfig({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' } });
    expect(c.loss).toMatchObject({ gamma: 2, alpha: 0.25 });
    expect(c.train.optimizer).toBe('sgd');
    expect(c.seed).toBe(0);
    // RetinaNet §4.1: foreground IoU ≥ 0.5, background < 0.4; no low-quality matches in the paper.
    expect(c.matcher).toEqual({ fgIou: 0.5, bgIou: 0.4, lowQualityMatches: false });
  });

  it('rejects a matcher whose background threshold is above its foreground one', () => {
    expect(() => parseRunConfig({ dataset: { train: 'a:b', val: 'a:c' }, matcher: { fgIou: 0.3, bgIou: 0.4 } })).toThrow(/matcher\.bgIou/);
  });

  it('names the offending field', () => {
    const err = (() => {
      try {
        parseRunConfig({ dataset: { train: 'a:b', val: 'a:c' }, train: { lr: -1 } });
      } catch (e) {
        return e;
      }
    })() as RunConfigError;
    expect(err).toBeInstanceOf(RunConfigError);
    expect(err.field).toBe('train.lr');
    expect(err.message).toMatch(/train\.lr/);
  });

  it('names an unknown key and a missing dataset', () => {
    expect(() => parseRunConfig({ dataset: { train: 'a:b', val: 'a:c' }, model: { colour: 'red' } })).toThrow(/model\.colour/);
    expect(() => parseRunConfig({})).toThrow(/dataset/);
  });
});
