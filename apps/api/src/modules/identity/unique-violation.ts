import { QueryFailedError } from 'typeorm';

/**
 * Whether `error` is PostgreSQL refusing a duplicate in the unique index
 * `index`: what a check-then-insert meets when a concurrent transaction
 * inserted the same value between the check and the insert.
 */
export function isUniqueViolation(error: unknown, index: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === index;
}
