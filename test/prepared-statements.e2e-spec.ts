import { QueryFailedError } from 'typeorm';
import { PreparedStatement } from '@app/database';
import { bearer, createTestApp, givenUser, TestApp } from './support';
import { withClient } from './support/test-database';

/**
 * The statements every request runs are prepared once per connection
 * (PreparedStatement, libs/database). A migration that adds a column while the
 * service runs must not break the copies its connections hold: they name their
 * columns, never `*` (a prepared `SELECT *` fails with "cached plan must not
 * change result type" once its table gains a column).
 */
describe('prepared statements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a column added to the table they read, while connections hold them prepared, breaks no request', async () => {
    const admin = bearer((await givenUser(t, { roles: ['admin'], name: 'admin' })).token);
    // Requests side by side take different pooled connections: each prepares the principal load.
    const requests = () => Promise.all(Array.from({ length: 8 }, () => t.http().get('/api/me').set(admin)));
    expect((await requests()).map((res) => res.status)).toEqual(Array(8).fill(200));
    await withClient(t.database.url, (owner) => owner.query('ALTER TABLE users ADD COLUMN added_later text'));
    try {
      const after = await requests();
      expect(after.map((res) => res.status)).toEqual(Array(8).fill(200));
      expect(after[0].body).not.toHaveProperty('addedLater');
    } finally {
      await withClient(t.database.url, (owner) => owner.query('ALTER TABLE users DROP COLUMN added_later'));
    }
  });

  it('fails as TypeORM\'s own queries do, so the problem mapping reads the SQLSTATE the same way', async () => {
    const asUuid = new PreparedStatement('test_as_uuid', 'SELECT $1::uuid AS id');
    const failure = await asUuid.rows(t.dataSource.manager, ['not a uuid']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22P02');
    // In a transaction too: the failure ends it, and TypeORM rolls it back.
    const inTransaction = await t.dataSource.transaction((manager) => asUuid.rows(manager, ['also not a uuid'])).catch((error: unknown) => error);
    expect(inTransaction).toBeInstanceOf(QueryFailedError);
  });
});
