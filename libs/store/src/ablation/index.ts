export * from './ablation-table';
export * from './ablation-format';
