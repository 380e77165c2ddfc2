/** The two-stage family: Faster R-CNN (RPN, RoI box head) and the hooks Mask R-CNN builds on. */
export * from './faster-rcnn';
export * from './build-faster-rcnn';
export * from './rpn';
export * from './rpn-anchors';
export * from './roi-pooler';
export * from './box-head';
export * from './box-head-targets';
export * from './mask-rcnn';
export * from './keypoint-rcnn';
