import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isISO8601, IsNotIn, IsUUID, ValidateBy, ValidationOptions } from 'class-validator';
import { RESERVED_KEYS } from './text-rule';

/** The largest value of a PostgreSQL integer (int4) column: every integer parameter stored or compared in one stays below it. */
export const INT4_MAX = 2_147_483_647;

/**
 * A UUID, lower-cased before anything uses it. PostgreSQL hands uuids back in
 * lower case, so an id kept as the client spelled it would be hashed into the
 * audit trail in one form and read back in another.
 */
export function IsUuid(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID(undefined, options),
  );
}

/**
 * Nothing the service records is older than the Unix epoch, and the bounds keep
 * clear of what PostgreSQL or the driver cannot take: years past 9999, and
 * the historical local-mean-time offsets (such as +00:53:28) that the pg
 * driver writes as an invalid timestamp.
 */
const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** An ISO 8601 date or date-time (not any string JavaScript's Date would guess at), as a Date between 1970 and 9999. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && isISO8601(value, { strict: true }) ? new Date(value) : value)),
    ValidateBy(
      {
        name: 'isTimestamp',
        validator: {
          validate: (value: unknown) => value instanceof Date && value.getTime() >= EARLIEST && value.getTime() <= LATEST,
          defaultMessage: (args) => `${args?.property} must be an ISO 8601 date or date-time from 1970 to 9999`,
        },
      },
      options,
    ),
  );
}

/**
 * A value used to look up a member of an object (a checklist item id): never
 * one of the names that reach the prototype instead of an own member.
 */
export function IsOwnMemberName(options?: ValidationOptions): PropertyDecorator {
  return IsNotIn(RESERVED_KEYS as string[], { message: ({ property }) => `${property} cannot be ${RESERVED_KEYS.join(', ')}`, ...options });
}
