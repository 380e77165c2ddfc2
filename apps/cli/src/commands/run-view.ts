import type { Evaluation, RunDetail } from '@ablate/contract';
import { runLabel } from '../sweep/sweep-view';

/**
 * What `ablate run show` prints of `GET /runs/:id`: a few lines a researcher reads to know what the
 * run was, how it went and whether it can be reproduced (`--json` has everything).
 */

type Config = Record<string, Record<string, unknown> | undefined>;

/** A number as a paper's table prints AP: percent with one decimal; `–` for a missing or −1 (no ground truth) value. */
function ap(value: number | null | undefined): string {
  return value === null || value === undefined || value < 0 ? '–' : (value * 100).toFixed(1);
}

/** The config in one line: detector, input, classes, loss, optimiser, schedule. */
export function configSummary(config: Config): string {
  const { model = {}, loss = {}, train = {}, anchors = {} } = config;
  const backbone = model['backbone'] ? ` ${model['backbone']}${model['backboneWidth'] !== undefined && model['backboneWidth'] !== 1 ? `×${model['backboneWidth']}` : ''}` : '';
  const phi = model['arch'] === 'efficientdet' ? ` φ=${model['phi']}` : '';
  return [
    `${model['arch'] ?? 'retinanet'}${backbone}${phi} @${model['inputSize'] ?? '–'}px, ${model['numClasses'] ?? '–'} classes`,
    `focal γ=${loss['gamma']} α=${loss['alpha']}`,
    `anchors ${anchors['scalesPerOctave'] ?? '–'} scales × ${(anchors['aspectRatios'] as unknown[] | undefined)?.length ?? '–'} ratios`,
    `${train['optimizer']} lr ${train['lr']}, ${train['schedule']}, ${train['steps']} steps of batch ${train['batchSize']}`,
  ].join(' · ');
}

function finalLine(e: Evaluation | null): string {
  if (!e) return '– (not evaluated yet)';
  if (e.status !== 'completed') return `${e.status}${e.error ? `: ${e.error}` : ''}`;
  const bbox = `AP ${ap(e.AP)} · AP50 ${ap(e.AP50)} · AP75 ${ap(e.AP75)} · APs ${ap(e.APs)} · APm ${ap(e.APm)} · APl ${ap(e.APl)}`;
  const segm = e.segm ? ` · segm AP ${ap(e.segm.AP)}` : '';
  // Another iou type arrives nested under its name (the contract's catch-all): Keypoint R-CNN's keypoint AP.
  const keypoints = e['keypoints'];
  const poses = typeof keypoints === 'object' && keypoints !== null ? ` · keypoints AP ${ap(keypoints.AP)}` : '';
  return `${bbox}${segm}${poses} (step ${e.step}, ${e.dataset})`;
}

function reproducibilityLines(r: RunDetail['reproducibility']): string[] {
  if (!r) return ['reproducibility: – (recorded when an attempt starts)'];
  const git = r.git ? `git ${r.git.commit.slice(0, 12)}${r.git.dirty ? ' (uncommitted changes)' : ''}` : 'not a git checkout';
  const data = (['train', 'val'] as const).map((split) => `${split} ${r.datasets[split].uri} sha256 ${r.datasets[split].sha256?.slice(0, 16) ?? 'unreadable'}`);
  return [`reproducibility: ${git} · Ablate ${r.ablateVersion} · TensorFlow.js ${r.tfjsVersion} · Node ${r.nodeVersion}`, `data:     ${data.join(' · ')}`];
}

function attemptLines(run: RunDetail): string[] {
  return run.attemptHistory.map(
    (a) =>
      `  #${a.attempt} ${a.status} on ${a.worker.host}:${a.worker.pid ?? '?'} (${a.backend}, ${a.device}) steps ${a.startStep}→${a.endStep ?? '…'}${a.error ? `: ${a.error}` : ''}`,
  );
}

/** `ablate run show`: the run's facts, one per line. */
export function formatRun(run: RunDetail): string {
  const categories = run.categories ? run.categories.map((c) => `${c.id} ${c.name}`).join(', ') : '– (recorded when a worker loads the dataset)';
  return [
    `run ${run.id}: ${run.name ?? runLabel(run)}`,
    `sweep:    ${run.sweepId ?? '– (a lone run)'}${Object.keys(run.params).length > 0 ? ` · ${runLabel({ ...run, seed: 0 })}` : ''} · seed ${run.seed}`,
    `status:   ${run.status} · step ${run.step}/${run.totalSteps}${run.error ? ` · ${run.error}` : ''}`,
    `config:   ${configSummary(run.config as Config)}`,
    `attempts: ${run.attempts}`,
    ...attemptLines(run),
    `final:    ${finalLine(run.finalEvaluation)}`,
    ...reproducibilityLines(run.reproducibility),
    `classes:  ${categories}`,
    `tags:     ${run.tags.join(', ') || '–'}`,
    ...(run.note ? [`note:     ${run.note}`] : []),
  ].join('\n');
}
