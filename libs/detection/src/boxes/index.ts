export * from './box-convert';
export * from './area';
export * from './clip';
export * from './iou';
export * from './box-coder';
export * from './box-coder-tensor';
