import { ValueTransformer } from 'typeorm';

/** bigint byte counts as numbers: PostgreSQL returns int8 as text, and no evidence file comes near 2^53 bytes. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
