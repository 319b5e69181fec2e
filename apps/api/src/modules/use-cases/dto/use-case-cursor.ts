import { ValidateBy, ValidationOptions, isUUID } from 'class-validator';

export interface UseCaseCursor {
  /** created_at as PostgreSQL prints it (`2025-11-25 10:00:00.123456+00`), microseconds kept. */
  createdAt: string;
  id: string;
}

/** PostgreSQL's ISO text for a timestamptz: date, time, optional fraction, offset. */
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::([0-5]\d)){0,2}$/;

/**
 * The position a use-case list cursor holds (`<created_at>|<id>`, base64url),
 * or undefined when it is not one the API could have returned. Checked down to
 * the field ranges, because PostgreSQL refuses `2024-13-01` or a year past
 * 9999 with an error of its own rather than an empty page.
 */
export function decodeUseCaseCursor(cursor: string): UseCaseCursor | undefined {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [createdAt, id] = parts;
  return isTimestampText(createdAt) && isUUID(id) ? { createdAt, id } : undefined;
}

function isTimestampText(text: string): boolean {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours] = match.slice(1, 8).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // A day or month out of range rolls the date over, so the parts no longer match.
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second &&
    offsetHours <= 15
  );
}

/** A list cursor as the API returned it. */
export function IsUseCaseCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUseCaseCursor',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeUseCaseCursor(value) !== undefined,
        defaultMessage: () => 'cursor is not a cursor this API returned',
      },
    },
    options,
  );
}
