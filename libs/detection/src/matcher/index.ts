export * from './match-sentinels';
export * from './matcher';
