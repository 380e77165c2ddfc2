/** Test helpers of `@ablate/engine` (`@ablate/engine/testing`): not part of its runtime API. */
export { onBothBackends } from './on-both-backends';
