export * from './identity-helpers';
export * from './test-app';
export * from './test-database';
export * from './use-case-helpers';
