export * from './audit-actions';
export * from './audit-chain';
export * from './audit-event';
export * from './audit-export-format';
export * from './audit-filter';
export * from './audit-reader.service';
export * from './audit-trail.service';
export * from './audit.module';
