export * from './domain-error';
export * from './problem-details.filter';
export * from './problem-details.response';
export * from './validation';
export * from './text-rule';
export * from './field-rules';
export * from './rule-refusal';
export * from './service-unavailable';
