import type { SweepPlan } from '@ablate/contract';

/**
 * `ablate sweep plan`'s text: what the sweep would be (search, configurations × seeds), how it
 * samples, its runs as a table (one column per varied path), its total steps and its cost.
 */
export function formatPlan(plan: SweepPlan): string {
  const seeds = plan.seeds.length;
  const lines = [
    `sweep "${plan.name}": ${plan.search} search, ${plan.configurations} configuration${plan.configurations === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'} = ${plan.runCount} runs (dry run: nothing submitted)`,
    ...samplingLines(plan.sampling),
    '',
    ...runTable(plan),
    '',
    `total: ${plan.totalSteps} training steps`,
    ...costLines(plan.cost),
  ];
  return lines.join('\n');
}

function samplingLines(sampling: SweepPlan['sampling']): string[] {
  if (sampling === null) return [];
  const seed = sampling.samplerSeed === null ? '' : `, samplerSeed ${sampling.samplerSeed}`;
  return [`sampling: ${sampling.sequence}${seed}, budget ${sampling.budget}`, ...sampling.space.map((a) => `  ${a.key === a.path ? a.path : `${a.key} (${a.path})`}: ${JSON.stringify(a.distribution)}`)];
}

/** The runs, aligned: index, seed, steps, then each varied path (– where a run's architecture does not read it). */
function runTable(plan: SweepPlan): string[] {
  const header = ['#', 'seed', 'steps', ...plan.variedPaths];
  const rows = plan.runs.map((r) => [String(r.index), String(r.seed), String(r.steps), ...plan.variedPaths.map((p) => (p in r.params ? formatValue(r.params[p]) : '–'))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

function formatValue(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value);
}

function costLines(cost: SweepPlan['cost']): string[] {
  const threads = `${cost.threads} thread${cost.threads === 1 ? '' : 's'} a run`;
  return [
    `estimated cost: ${cost.coreHours.toPrecision(3)} core-hours on ${cost.backend} (${threads}; training steps only, timed per model)`,
    ...cost.models.map(
      (m) =>
        `  ${m.label}: ${m.runs} runs, ${m.steps} steps × ${m.secondsPerStep.toPrecision(3)} s = ${m.coreHours.toPrecision(3)} core-hours (${m.cached ? 'cached' : `timed over ${m.measuredSteps} steps`})`,
    ),
  ];
}
