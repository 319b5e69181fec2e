export * from './decorators';
export * from './permissions';
export * from './principal';
export * from './roles';
