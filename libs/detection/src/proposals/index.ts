/** R-CNN's region proposals: a sliding-window set, a selective-search-like segmentation, or a file. */
export { slidingWindows } from './sliding-window';
export { graphSegmentation, type GraphSegmentationOptions, type Segmentation } from './graph-segmentation';
export { hierarchicalGrouping } from './hierarchical-grouping';
export { parseProposals, proposalsInInput, readProposalFile, type FileProposals } from './proposal-file';
export { createProposalSource, type ProposalSource } from './proposal-source';
