/** R-CNN: a CNN on every warped region proposal (and its Fast R-CNN setting on a shared map). */
export * from './rcnn';
export * from './build-rcnn';
export * from './warp-regions';
export * from './sample-regions';
