import { runLabel, sweepFinished, toSweepView, type SweepDetail } from './sweep-view';

const run = (index: number, status: string, params: Record<string, unknown>, seed = 0) => ({
  id: `00000000-0000-0000-0000-00000000000${index}`,
  index,
  status,
  params,
  seed,
  step: 0,
  totalSteps: 10,
  attempts: 1,
});

describe('sweep view', () => {
  it('flattens the runs grouped by status back into expansion order', () => {
    const detail: SweepDetail = {
      id: 's',
      name: 'n',
      status: 'running',
      progress: { total: 3, ended: 1, fraction: 0.5, etaSeconds: 12 },
      runsByStatus: { running: [run(2, 'running', {})], completed: [run(0, 'completed', {})], queued: [run(1, 'queued', {})] },
    };
    expect(toSweepView(detail).runs.map((r) => [r.index, r.status])).toEqual([
      [0, 'completed'],
      [1, 'queued'],
      [2, 'running'],
    ]);
  });

  it('labels a run by its varied parameters, short names for γ and α, the seed when not 0', () => {
    expect(runLabel(run(0, 'queued', { 'loss.alpha': 0.25, 'loss.gamma': 2 }))).toBe('γ=2 α=0.25');
    expect(runLabel(run(0, 'queued', { 'model.norm': 'group', 'loss.alpha': 0.25 }))).toBe('α=0.25 model.norm="group"');
    expect(runLabel(run(0, 'queued', { 'model.norm': 'group' }, 3))).toBe('model.norm="group" seed=3');
    expect(runLabel(run(7, 'queued', {}))).toBe('00000000');
  });

  it('is finished only when the sweep says completed or cancelled', () => {
    expect(['queued', 'running', 'cancelling', 'completed', 'cancelled'].map((status) => sweepFinished({ status }))).toEqual([false, false, false, true, true]);
  });
});
