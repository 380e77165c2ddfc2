import type { RunLine, RunStatus } from '@ablate/contract';
import { formatFailures, groupFailures, runLabel, sweepFinished } from './sweep-view';

const run = (index: number, status: RunStatus, params: Record<string, unknown>, seed = 0): RunLine => ({
  id: `00000000-0000-0000-0000-00000000000${index}`,
  index,
  key: `k${index}`,
  status,
  params,
  seed,
  step: 0,
  totalSteps: 10,
  attempts: 1,
  error: null,
  worker: null,
  finalEvaluationId: null,
});

describe('sweep view', () => {
  it('labels a run by its varied parameters, short names for γ and α, the seed when not 0', () => {
    expect(runLabel(run(0, 'queued', { 'loss.alpha': 0.25, 'loss.gamma': 2 }))).toBe('γ=2 α=0.25');
    expect(runLabel(run(0, 'queued', { 'model.norm': 'group', 'loss.alpha': 0.25 }))).toBe('α=0.25 model.norm="group"');
    expect(runLabel(run(0, 'queued', { 'model.norm': 'group' }, 3))).toBe('model.norm="group" seed=3');
    expect(runLabel(run(7, 'queued', {}))).toBe('00000000');
  });

  it('is finished only when the sweep has ended, with or without failures', () => {
    const statuses = ['queued', 'running', 'cancelling', 'completed', 'completed_with_failures', 'failed', 'cancelled'] as const;
    expect(statuses.map((status) => sweepFinished({ status }))).toEqual([false, false, false, true, true, true, true]);
  });

  it('groups failures by reason, largest group first, divergences as one reason', () => {
    const failed = (index: number, error: string, status: RunStatus = 'failed') => ({ ...run(index, status, { 'loss.gamma': index }), error });
    const groups = groupFailures({
      runs: [
        failed(0, 'run a diverged: loss NaN at step 3', 'diverged'),
        failed(1, 'bad dataset'),
        failed(2, 'bad dataset'),
        { ...run(3, 'completed', {}), error: null },
        failed(4, 'run b diverged: loss Infinity at step 9', 'diverged'),
        failed(5, 'bad dataset'),
      ],
    });
    expect(groups.map((g) => [g.status, g.reason, g.runs.map((r) => r.index)])).toEqual([
      ['failed', 'bad dataset', [1, 2, 5]],
      ['diverged', 'diverged (non-finite loss)', [0, 4]],
    ]);
    expect(formatFailures(groups, 2)).toBe(
      '3 runs failed: bad dataset\n    γ=1 (00000000), γ=2 (00000000), … 1 more\n2 runs diverged: diverged (non-finite loss)\n    γ=0 (00000000), γ=4 (00000000)',
    );
  });
});
