export * from './identity-helpers';
export * from './registry-helpers';
export * from './test-app';
export * from './test-database';
