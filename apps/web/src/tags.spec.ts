import { parseTags, tagHref } from './tags';

describe('tags typed in one field', () => {
  it('splits at commas, trims, drops empty ones and keeps each once in the order typed', () => {
    expect(parseTags(' baseline, paper-table-1 ,, baseline,γ sweep ')).toEqual(['baseline', 'paper-table-1', 'γ sweep']);
    expect(parseTags('  ')).toEqual([]);
  });

  it('links a tag to the home page filtered by it', () => {
    expect(tagHref('/ui', 'a b&c')).toBe('/ui/?tag=a%20b%26c');
  });
});
