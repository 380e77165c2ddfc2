export * from './nms';
export * from './decode-detections';
export { descendingOrder, topKAbove } from './score-order';
