export * from './ablation-table';
export * from './ablation-format';
export * from './ablation-html';
