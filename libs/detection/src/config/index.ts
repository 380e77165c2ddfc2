export * from './paper-constants';
export * from './detector-config';
