import { detectorArchs, dropForeignSections, familyReadsPath, unusedPathMessage } from '@ablate/detection';
import { getPath, resolveConfigPath, setPath, type ConfigPath } from './config-paths';

/**
 * A sweep over several architectures is a conditional space: `roi.pooler` applies to the
 * two-stage runs only, `mask.loss` to Mask R-CNN's, `model.phi` and `model.fusion` to
 * EfficientDet's (each family's `modelFields`). An axis or base section no architecture of
 * the sweep reads is refused; one that some read applies to those runs, and the others neither
 * carry it in their config nor repeat for each of its values.
 */

const ARCH_PATH = 'model.arch';

/** The architectures a sweep's runs use: the valid values of its `model.arch` axis, else the base's. */
export function sweepArchs(base: Record<string, unknown>, grid: Record<string, unknown[]>): string[] {
  const known: readonly string[] = detectorArchs();
  const axis = Object.entries(grid).find(([key]) => resolveConfigPath(key) === ARCH_PATH)?.[1];
  const fromGrid = (axis ?? []).filter((a): a is string => typeof a === 'string' && known.includes(a));
  if (fromGrid.length > 0) return [...new Set(fromGrid)];
  const own = getPath(base, ARCH_PATH);
  return [typeof own === 'string' ? own : known[0]];
}

/** `config` as a run of `arch` has it: the architecture set, the sections it does not read dropped. */
export function asRunOf<T extends Record<string, unknown>>(config: T, arch: string): T {
  return dropForeignSections(setPath(config, ARCH_PATH, arch)) as T;
}

/** The archs of `archs` that read `path`. */
export function archsReading(archs: readonly string[], path: ConfigPath): string[] {
  return archs.filter((arch) => familyReadsPath(arch, path));
}

/** Why no run of the sweep would read `path` (a section, a field in one, a family's model field), or undefined when one does. */
export function unreadPathMessage(archs: readonly string[], path: ConfigPath): string | undefined {
  return archsReading(archs, path).length > 0 ? undefined : unusedPathMessage(archs, path);
}

/** The architecture of a grid point: its `model.arch`, else the base's. */
export function archOfPoint(params: Record<ConfigPath, unknown>, base: Record<string, unknown>): string {
  const arch = params[ARCH_PATH] ?? getPath(base, ARCH_PATH);
  return typeof arch === 'string' ? arch : detectorArchs()[0];
}

/** The grid point's parameters that a run of `arch` reads (the others do not apply to it). */
export function paramsReadBy(params: Record<ConfigPath, unknown>, arch: string): Record<ConfigPath, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([path]) => familyReadsPath(arch, path)));
}
