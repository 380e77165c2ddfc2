import fc from 'fast-check';
import { ashaPromotions, ashaRungs, EarlyStoppingSchema, rungMetric, type Promotion, type RungResult } from './asha';

/**
 * Algorithm 2 of Li et al. (2018) as the paper writes it, for the test: `getJob` looks for a
 * promotable configuration from the top rung down and returns the first one (the best of the
 * top ⌊|rung k| / η⌋ not yet promoted); a free worker calls it until it would start a new
 * configuration. Written apart from ashaPromotions, loop for loop.
 */
function paperGetJob(rungs: Map<number, { id: string; loss: number }[]>, promotedFrom: Map<number, Set<string>>, topRung: number, eta: number): Promotion | null {
  for (let k = topRung - 1; k >= 0; k--) {
    const rung = rungs.get(k) ?? [];
    // top_k: the ⌊|rung|/η⌋ lowest losses (stable: earlier results first among equals).
    const candidates = [...rung].sort((a, b) => a.loss - b.loss).slice(0, Math.floor(rung.length / eta));
    const promotable = candidates.filter((c) => !(promotedFrom.get(k)?.has(c.id) ?? false));
    if (promotable.length > 0) return { runId: promotable[0]!.id, rung: k };
  }
  return null;
}

/** Replays a stream of results through the paper's algorithm; returns the promotions after each result. */
function paperDecisions(results: RungResult[], rungCount: number, eta: number, mode: 'max' | 'min'): Promotion[][] {
  const rungs = new Map<number, { id: string; loss: number }[]>();
  const promotedFrom = new Map<number, Set<string>>();
  return results.map((r) => {
    rungs.set(r.rung, [...(rungs.get(r.rung) ?? []), { id: r.runId, loss: mode === 'max' ? -r.value : r.value }]);
    const made: Promotion[] = [];
    for (let p = paperGetJob(rungs, promotedFrom, rungCount - 1, eta); p !== null; p = paperGetJob(rungs, promotedFrom, rungCount - 1, eta)) {
      made.push(p);
      promotedFrom.set(p.rung, new Set([...(promotedFrom.get(p.rung) ?? []), p.runId]));
    }
    return made;
  });
}

describe('ASHA (Li et al. 2018)', () => {
  it('places rungs at r·η^k up to R', () => {
    expect(ashaRungs({ minSteps: 10, maxSteps: 270, reductionFactor: 3 })).toEqual([10, 30, 90, 270]);
    expect(ashaRungs({ minSteps: 10, maxSteps: 100, reductionFactor: 3 })).toEqual([10, 30, 90, 100]);
    expect(ashaRungs({ minSteps: 5, maxSteps: 20, reductionFactor: 2 })).toEqual([5, 10, 20]);
  });

  it('promotes the best third of a rung as results arrive (a worked case, η = 3)', () => {
    const results: RungResult[] = [
      { runId: 'a', rung: 0, value: 0.1 },
      { runId: 'b', rung: 0, value: 0.3 },
      { runId: 'c', rung: 0, value: 0.2 }, // 3 results: ⌊3/3⌋ = 1 goes on, the best: b
      { runId: 'd', rung: 0, value: 0.05 },
      { runId: 'e', rung: 0, value: 0.4 },
      { runId: 'f', rung: 0, value: 0.01 }, // 6 results: 2 go on: e and b (b already)
    ];
    const promoted: Promotion[] = [];
    const after: string[][] = [];
    for (let i = 1; i <= results.length; i++) {
      const made = ashaPromotions(results.slice(0, i), promoted, 3, 3, 'max');
      promoted.push(...made);
      after.push(made.map((p) => p.runId));
    }
    expect(after).toEqual([[], [], ['b'], [], ['e'], []]);
  });

  it('makes the decisions of the paper’s Algorithm 2 on any stream of rung results', () => {
    const stream = fc.record({
      eta: fc.integer({ min: 2, max: 4 }),
      rungCount: fc.integer({ min: 2, max: 4 }),
      mode: fc.constantFrom<'max' | 'min'>('max', 'min'),
      values: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(stream, ({ eta, rungCount, mode, values }) => {
        // Each value is a new run's first-rung result, or the next result of a promoted run.
        const results: RungResult[] = [];
        const promoted: Promotion[] = [];
        const waiting: Promotion[] = [];
        const ours: Promotion[][] = [];
        values.forEach((v, i) => {
          const next = i % 2 === 1 ? waiting.shift() : undefined;
          results.push(next ? { runId: next.runId, rung: next.rung + 1, value: v / 20 } : { runId: `run${i}`, rung: 0, value: v / 20 });
          const made = ashaPromotions(results, promoted, rungCount, eta, mode);
          promoted.push(...made);
          waiting.push(...made.filter((p) => p.rung + 1 < rungCount - 1));
          ours.push(made);
        });
        expect(ours).toEqual(paperDecisions(results, rungCount, eta, mode));
      }),
      { numRuns: 300 },
    );
  });

  it('validates the spec and reads a rung’s metric by iou type', () => {
    expect(EarlyStoppingSchema.parse({ minSteps: 10, maxSteps: 90 })).toEqual({ metric: 'AP', mode: 'max', minSteps: 10, maxSteps: 90, reductionFactor: 3 });
    expect(EarlyStoppingSchema.safeParse({ minSteps: 90, maxSteps: 90 }).error?.issues[0]?.path).toEqual(['maxSteps']);
    expect(EarlyStoppingSchema.safeParse({ minSteps: 10, maxSteps: 90, metric: 'AP; drop' }).success).toBe(false);
    expect(rungMetric({ bbox: { AP: 0.3 }, segm: { AP: 0.2 } }, 'segm.AP')).toBe(0.2);
    expect(rungMetric({ bbox: { AP: 0.3 } }, 'AP')).toBe(0.3);
    expect(rungMetric({ bbox: { AP: 0.3 } }, 'segm.AP')).toBeUndefined();
  });
});

describe('a sweep with earlyStopping', () => {
  const dataset = { train: 'synthetic:shapes?images=8', val: 'synthetic:shapes?images=4&split=val' };

  it('starts every run at the first rung', async () => {
    const { planSweep } = await import('./expand-sweep');
    const { spec, runs } = planSweep({ name: 'asha', dataset, grid: { gamma: [0, 1, 2] }, earlyStopping: { minSteps: 10, maxSteps: 90 } });
    expect(spec.earlyStopping).toEqual({ metric: 'AP', mode: 'max', minSteps: 10, maxSteps: 90, reductionFactor: 3 });
    expect(runs.map((r) => r.config.train.steps)).toEqual([10, 10, 10]);
  });

  it('refuses train.steps in the base or the grid, which the rungs set', async () => {
    const { validateSweepSpec } = await import('./sweep-spec');
    const { ValidationError } = await import('./validation-error');
    const attempt = () => validateSweepSpec({ name: 'asha', dataset, base: { train: { steps: 50 } }, grid: { 'train.steps': [10, 20] }, earlyStopping: { minSteps: 10, maxSteps: 90 } });
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (e) {
      expect((e as InstanceType<typeof ValidationError>).issues.map((i) => i.path)).toEqual(['base.train.steps', 'grid.train.steps']);
    }
  });
});
