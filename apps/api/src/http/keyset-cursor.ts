import { ValidateBy, ValidationOptions, isUUID } from 'class-validator';

/**
 * A position in a list ordered by (a timestamp, a uuid): where the next page
 * starts. The timestamp is kept as PostgreSQL prints it
 * (`2025-11-25 10:00:00.123456+00`), so no microsecond is lost on the way.
 */
export interface KeysetCursor {
  at: string;
  id: string;
}

/** The cursor of the page after the row at (`at`, `id`): `<at>|<id>`, base64url. */
export function encodeKeysetCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** PostgreSQL's ISO text for a timestamptz: date, time, optional fraction, offset. */
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::([0-5]\d)){0,2}$/;

/**
 * The position a list cursor holds, or undefined when it is not one the API
 * could have returned. Checked down to
 * the field ranges, because PostgreSQL refuses `2024-13-01` or a year past
 * 9999 with an error of its own rather than an empty page.
 */
export function decodeKeysetCursor(cursor: string): KeysetCursor | undefined {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [at, id] = parts;
  return isTimestampText(at) && isUUID(id) ? { at, id } : undefined;
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
export function IsKeysetCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKeysetCursor',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeKeysetCursor(value) !== undefined,
        defaultMessage: () => 'cursor is not a cursor this API returned',
      },
    },
    options,
  );
}
