import { prefetch } from './prefetch';

describe('prefetch', () => {
  it('yields items in order and keeps at most depth + 1 in production', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const started: number[] = [];
    const produce = async (i: number): Promise<number> => {
      started.push(i);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, (7 - i) % 3));
      inFlight--;
      return i * 10;
    };
    const out: number[] = [];
    for await (const v of prefetch(2, 9, 2, produce)) out.push(v);
    expect(out).toEqual([20, 30, 40, 50, 60, 70, 80]);
    expect(started).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('with depth 0 starts an item only when the consumer asks for it', async () => {
    const started: number[] = [];
    const gen = prefetch(0, 3, 0, async (i) => {
      started.push(i);
      return i;
    });
    expect((await gen.next()).value).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([0]);
    await gen.return(undefined);
  });

  it('with depth 2 has the next two started while the consumer holds an item', async () => {
    const started: number[] = [];
    const gen = prefetch(0, 10, 2, async (i) => {
      started.push(i);
      return i;
    });
    await gen.next();
    expect(started).toEqual([0, 1, 2]);
    await gen.return(undefined);
  });

  it('surfaces a failure when its item is reached, without an unhandled rejection', async () => {
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const v of prefetch(0, 5, 3, async (i) => {
        if (i === 2) throw new Error('bad image 2');
        return i;
      }))
        seen.push(v);
    };
    await expect(run()).rejects.toThrow('bad image 2');
    expect(seen).toEqual([0, 1]);
  });
});
