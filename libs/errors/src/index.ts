export * from './domain-error';
export * from './problem-details.filter';
export * from './validation';
