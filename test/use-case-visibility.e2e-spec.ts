import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OrgRole, Principal, TeamMembership } from '@app/auth';
import { createTestDatabase, TestDatabase } from './support';
import { canReadUseCase, visibleUseCasesSql } from '../apps/api/src/modules/use-cases/use-case-access';

/**
 * "Who may see a use case" is written twice, once for one row in TypeScript
 * and once for many in SQL; this runs both over every pairing of teams and a
 * matrix of principals and asks that they agree on every (row, principal).
 */
describe('use case visibility: the function and the SQL fragment agree', () => {
  let database: TestDatabase;
  let client: Client;
  const teams = ['a', 'b', 'c'].map(() => randomUUID());
  const elsewhere = randomUUID();
  const rows: { id: string; stage: string; developerTeamId: string; deployerTeamId: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
    const [{ id: creator }] = (await client.query(`INSERT INTO users (email, display_name, kind) VALUES ('creator@gatehouse.test', 'Creator', 'service') RETURNING id`)).rows;
    for (const [index, id] of [...teams, elsewhere].entries()) await client.query('INSERT INTO teams (id, name) VALUES ($1, $2)', [id, `team ${index}`]);
    // Every ordered pair of the three teams, the same team on both sides included.
    for (const developerTeamId of teams) {
      for (const deployerTeamId of teams) {
        const stage = rows.length % 2 ? 'design' : 'develop';
        const [{ id }] = (
          await client.query(
            `INSERT INTO use_cases (developer_team_id, deployer_team_id, stage, tier, derived_tier, content, revision, content_hash, created_by)
             VALUES ($1, $2, $3, 'minimal', 'minimal', '{}', 1, repeat('0', 64), $4) RETURNING id`,
            [developerTeamId, deployerTeamId, stage, creator],
          )
        ).rows;
        rows.push({ id, stage, developerTeamId, deployerTeamId });
      }
    }
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const person = (roles: OrgRole[], memberships: [number | 'elsewhere', TeamMembership['role']][]): Principal => ({
    kind: 'user',
    userId: randomUUID(),
    displayName: 'someone',
    roles,
    teams: memberships.map(([team, role]) => ({ teamId: team === 'elsewhere' ? elsewhere : teams[team], role })),
  });
  const principals: Record<string, Principal> = {
    'on no team': person([], []),
    'on a team no use case names': person([], [['elsewhere', 'developer']]),
    'developer of a': person([], [[0, 'developer']]),
    'deployer of b': person([], [[1, 'deployer']]),
    'developer and deployer of c': person([], [[2, 'developer'], [2, 'deployer']]),
    'developer of a, deployer of b': person([], [[0, 'developer'], [1, 'deployer']]),
    legal: person(['legal'], []),
    assessor: person(['assessor'], []),
    'compliance officer': person(['compliance_officer'], []),
    admin: person(['admin'], []),
    'legal and developer of a': person(['legal'], [[0, 'developer']]),
    'API key scoped to nothing, owner on b': { ...person([], [[1, 'developer']]), kind: 'api_key', apiKeyId: randomUUID() },
    'API key with assessor scope': { ...person(['assessor'], []), kind: 'api_key', apiKeyId: randomUUID() },
  };

  it.each(Object.keys(principals))('%s: the fragment selects exactly the rows canReadUseCase accepts', async (name) => {
    const principal = principals[name];
    const params: unknown[] = [rows.map((row) => row.id)];
    const sql = `SELECT uc.id FROM use_cases uc WHERE uc.id = ANY($1::uuid[]) AND ${visibleUseCasesSql(principal, 'uc', params)}`;
    const selected = new Set((await client.query(sql, params)).rows.map((row: { id: string }) => row.id));
    const expected = rows.map((row) => ({ id: row.id, visible: canReadUseCase(principal, row) }));
    expect(rows.map((row) => ({ id: row.id, visible: selected.has(row.id) }))).toEqual(expected);
  });

  it('combines with conditions before and after it', async () => {
    const principal = principals['developer of a, deployer of b'];
    const params: unknown[] = ['design'];
    const visible = visibleUseCasesSql(principal, 'uc', params);
    params.push(rows.map((row) => row.id));
    const sql = `SELECT uc.id FROM use_cases uc WHERE uc.stage = $1 AND ${visible} AND uc.id = ANY($${params.length}::uuid[]) ORDER BY uc.id`;
    const selected = (await client.query(sql, params)).rows.map((row: { id: string }) => row.id);
    expect(selected).toEqual(rows.filter((row) => row.stage === 'design' && canReadUseCase(principal, row)).map((row) => row.id).sort());
    expect(selected.length).toBeGreaterThan(0);
  });
});
