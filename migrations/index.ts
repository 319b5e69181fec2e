import { MigrationInterface } from 'typeorm';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const migrations: (new () => MigrationInterface)[] = [];
