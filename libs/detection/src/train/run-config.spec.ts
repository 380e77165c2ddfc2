import { parseRunConfig, RunConfigError } from './run-config';

describe('parseRunConfig', () => {
  it('fills the defaults around the dataset', () => {
    const c = parseRunConfig({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' } });
    expect(c.loss).toMatchObject({ gamma: 2, alpha: 0.25 });
    expect(c.train.optimizer).toBe('sgd');
    expect(c.seed).toBe(0);
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
