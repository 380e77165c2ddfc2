export * from './boxes-format';
export * from './batch';
