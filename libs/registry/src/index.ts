export * from './evidence-kinds';
export * from './gate-policy';
export * from './lifecycle';
export * from './risk';
export * from './sign-off.policy';
export * from './use-case-content';
export * from './tier-override.policy';
export * from './gate-requirements';
