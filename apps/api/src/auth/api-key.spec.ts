import { ApiKeyVerifier } from './api-key';

describe('ApiKeyVerifier', () => {
  it('accepts each configured key and nothing else, whatever the length', () => {
    const v = new ApiKeyVerifier(['alpha-key', 'beta']);
    expect(v.verify('alpha-key')).toBe(true);
    expect(v.verify('beta')).toBe(true);
    expect(v.verify('alpha-ke')).toBe(false);
    expect(v.verify('alpha-key ')).toBe(false);
    expect(v.verify('')).toBe(false);
    expect(v.verify('x'.repeat(10_000))).toBe(false);
  });

  it('refuses to start without keys', () => {
    expect(() => new ApiKeyVerifier([])).toThrow(/at least one API key/);
  });
});
