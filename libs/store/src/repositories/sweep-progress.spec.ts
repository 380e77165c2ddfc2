import { computeProgress } from './sweep.repository';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('computeProgress', () => {
  it('counts ended runs as 1, running ones by their step, and projects the ETA from finished runs', () => {
    const p = computeProgress(
      [
        { status: 'completed', frac: 1, started: t(0), finished: t(100) }, // took 100 s
        { status: 'running', frac: 0.5, started: t(100), finished: null },
        { status: 'queued', frac: 0, started: null, finished: null },
        { status: 'queued', frac: 0, started: null, finished: null },
      ],
      t(140),
    );
    // done = 1 + 0.5 = 1.5 of 4 → fraction 0.375; remaining 2.5 runs × 100 s ÷ 1 running = 250 s.
    expect(p.fraction).toBe(0.375);
    expect(p.etaSeconds).toBe(250);
    expect(p.byStatus).toMatchObject({ completed: 1, running: 1, queued: 2 });
    expect(p.ended).toBe(1);
  });

  it('uses the pace of running runs before any has finished, and is unknown before any progress', () => {
    const running = (frac: number) => ({ status: 'running' as const, frac, started: t(0), finished: null });
    // Two runs at 25 % after 30 s → 120 s per run each; remaining 4 − 0.5 = 3.5 runs × 120 s ÷ 2 running = 210 s.
    const p = computeProgress([running(0.25), running(0.25), { status: 'queued', frac: 0, started: null, finished: null }, { status: 'queued', frac: 0, started: null, finished: null }], t(30));
    expect(p.etaSeconds).toBe(210);
    expect(computeProgress([{ status: 'queued', frac: 0, started: null, finished: null }], t(30)).etaSeconds).toBeNull();
  });
});
