import { Client } from 'pg';

export interface ScaleSize {
  useCases: number;
  openReviews: number;
  auditEvents: number;
}

/** Who the benchmark calls as, and where its deep pages start. */
export interface SeededOrganisation {
  legalId: string;
  developerId: string;
  auditorId: string;
  /** Use cases past design, for clearance of the develop stage. */
  clearanceIds: string[];
  /** A use-case list cursor 90% of the way through the list a reader sees. */
  deepUseCaseCursor: string;
  /** An audit listing cursor 90% of the way through the chain. */
  deepAuditCursor: string;
  seconds: { organisation: number; auditEvents: number; indexes: number; vacuum: number };
}

/** Audit events inserted per statement: big enough to be a bulk load, small enough to show progress. */
const AUDIT_BATCH = 1_000_000;

/**
 * One organisation at `size`, written straight into the tables by bulk SQL as
 * the schema's owner: teams of an opener, a developer and a deployer; use
 * cases spread over stages and tiers, each with its first revision and the
 * passed reviews that brought it to its stage; open reviews with the slots of
 * the published policy, some with one slot already signed; and audit events
 * appended after the chain's head. The events are not a valid hash chain
 * (each hash is sha256 of its seq), but prev_hash links them and the head is
 * moved to the last one, so the service appends after them as usual.
 */
export async function seedOrganisation(url: string, size: ScaleSize, log: (line: string) => void): Promise<SeededOrganisation> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
  try {
    await q(`SET statement_timeout = 0`);
    await q(`SET synchronous_commit = off`);
    await q(`SET maintenance_work_mem = '1GB'`);
    const teams = Math.max(10, Math.round(size.useCases / 100));
    let started = Date.now();

    await q(
      `CREATE TEMP TABLE seed_teams AS
       SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS opener, gen_random_uuid() AS developer, gen_random_uuid() AS deployer
       FROM generate_series(0, $1 - 1) AS n`,
      [teams],
    );
    await q(`INSERT INTO teams (id, name) SELECT id, 'Scale team ' || n FROM seed_teams`);
    await q(`
      INSERT INTO users (id, email, display_name, kind)
      SELECT person.id, person.kind || '-' || n || '@scale.test', initcap(person.kind) || ' ' || n, 'service'
      FROM seed_teams, LATERAL (VALUES (opener, 'opener'), (developer, 'developer'), (deployer, 'deployer')) AS person (id, kind)`);
    await q(`
      INSERT INTO team_members (team_id, user_id, role)
      SELECT id, opener, 'developer' FROM seed_teams
      UNION ALL SELECT id, developer, 'developer' FROM seed_teams
      UNION ALL SELECT id, deployer, 'deployer' FROM seed_teams`);
    const person = async (email: string, roles: string[]) => {
      const [{ id }] = await q(`INSERT INTO users (email, display_name, kind) VALUES ($1, $1, 'service') RETURNING id`, [email]);
      for (const role of roles) await q('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
      return id as string;
    };
    const legalId = await person('legal@scale.test', ['legal']);
    const otherLegalId = await person('legal-2@scale.test', ['legal']);
    const auditorId = await person('auditor@scale.test', ['compliance_officer']);
    const developerId = await person('developer@scale.test', []);
    await q(`INSERT INTO team_members (team_id, user_id, role) SELECT id, $1, 'developer' FROM seed_teams WHERE n = 0`, [developerId]);

    // Use case i: developer team i mod T, deployer team 7i + 3 mod T; stage and tier drawn by hash: a quarter in design, 5% retired, 40% minimal.
    await q(
      `CREATE TEMP TABLE seed_use_cases AS
       SELECT g.i, gen_random_uuid() AS id, d.id AS dev_team, d.opener, d.developer, p.id AS dep_team, p.deployer,
              (ARRAY['design','design','design','design','design','develop','develop','develop','develop','deploy','deploy','deploy',
                     'deploy','operate','operate','operate','operate','operate','operate','retired'])[1 + ((hashint4extended(g.i, 1) & 65535) % 20)::int] AS stage,
              (ARRAY['minimal','minimal','limited','limited','high'])[1 + ((hashint4extended(g.i, 2) & 65535) % 5)::int] AS tier,
              now() - ($1 - g.i) * interval '1 minute' AS created_at,
              jsonb_build_object(
                'title', 'Use case ' || g.i, 'businessProblem', 'Support tickets wait days for the right team (' || g.i || ')',
                'workflow', jsonb_build_object('description', 'Tickets are classified and routed to a queue', 'components', '[]'::jsonb),
                'inputs', '["ticket text"]'::jsonb, 'outputs', '["queue", "confidence"]'::jsonb,
                'stakeholders', '[{"name": "customers", "objectives": "faster answers", "affectedNonUser": true}]'::jsonb,
                'intendedUse', 'Route incoming support tickets', 'foreseeableMisuse', 'Ranking customers by value', 'aiRole', 'both',
                'developerTeamId', d.id, 'deployerTeamId', p.id, 'risks', '[]'::jsonb, 'checklist', '{}'::jsonb, 'tierOverride', null, 'evidence', '[]'::jsonb
              ) AS content
       FROM generate_series(0, $1 - 1) AS g (i)
       JOIN seed_teams d ON d.n = g.i % $2
       JOIN seed_teams p ON p.n = (g.i * 7 + 3) % $2`,
      [size.useCases, teams],
    );
    await q(`ALTER TABLE seed_use_cases ADD COLUMN content_hash char(64)`);
    await q(`UPDATE seed_use_cases SET content_hash = encode(sha256(convert_to(content::text, 'UTF8')), 'hex')`);
    await q(`CREATE INDEX ON seed_use_cases (i)`);
    await q(`
      INSERT INTO use_cases (id, developer_team_id, deployer_team_id, stage, status, tier, derived_tier, content, revision, content_hash, created_by, created_at, updated_at,
                             next_review_due)
      SELECT id, dev_team, dep_team, stage, CASE WHEN stage = 'retired' THEN 'retired' ELSE 'active' END, tier, tier, content, 1, content_hash, opener, created_at, created_at,
             CASE WHEN stage = 'operate' THEN (created_at + interval '1 year')::date END
      FROM seed_use_cases`);
    await q(`
      INSERT INTO use_case_revisions (use_case_id, revision, content, content_hash, changed_fields, summary, author_id, created_at)
      SELECT id, 1, content, content_hash, ARRAY['aiRole','businessProblem','deployerTeamId','developerTeamId','foreseeableMisuse','inputs','intendedUse','outputs','stakeholders','title','workflow'],
             'registered', opener, created_at
      FROM seed_use_cases`);

    // The slots each gate asks at each tier under the published policy, as the service pins them.
    await q(`
      CREATE TEMP TABLE seed_slots AS
      SELECT gate.key AS gate, tier.key AS tier,
             (SELECT jsonb_agg(jsonb_build_object('role', slot->>'role', 'quorum', (slot->>'quorum')::int)) FROM jsonb_array_elements(tier.value->'signOffs') AS slot) AS slots
      FROM gate_policies p, jsonb_each(p.document->'gates') AS gate, jsonb_each(gate.value) AS tier
      WHERE p.version = (SELECT max(version) FROM gate_policies)`);
    await q(`
      CREATE TEMP TABLE seed_gates (stage, gate, to_stage, position) AS VALUES
        ('design', 'design_to_develop', 'develop', 1), ('develop', 'develop_to_deploy', 'deploy', 2),
        ('deploy', 'deploy_to_operate', 'operate', 3), ('operate', 'operate_review', 'operate', 4)`);
    // Every gate a use case has passed to reach its stage.
    await q(`
      INSERT INTO gate_reviews (use_case_id, gate, from_stage, to_stage, tier, policy_version, slots, opened_revision, revision, content_hash, status, opened_by, opened_at, closed_at)
      SELECT u.id, g.gate, g.stage, g.to_stage, u.tier, (SELECT max(version) FROM gate_policies), s.slots, 1, 1, u.content_hash, 'passed', u.opener,
             u.created_at + g.position * interval '1 day', u.created_at + g.position * interval '1 day' + interval '2 hours'
      FROM seed_use_cases u
      JOIN seed_gates g ON g.position < 4 AND g.position < array_position(ARRAY['design','develop','deploy','operate','retired'], u.stage)
      JOIN seed_slots s ON s.gate = g.gate AND s.tier = u.tier`);

    // Open reviews on use cases drawn across the whole range.
    await q(
      `CREATE TEMP TABLE seed_open AS
       SELECT row_number() OVER (ORDER BY hashint4extended(u.i, 3), u.i) AS j, gen_random_uuid() AS review_id, u.*
       FROM seed_use_cases u WHERE u.stage <> 'retired'
       ORDER BY hashint4extended(u.i, 3), u.i LIMIT $1`,
      [size.openReviews],
    );
    await q(
      `INSERT INTO gate_reviews (id, use_case_id, gate, from_stage, to_stage, tier, policy_version, slots, opened_revision, revision, content_hash, status, opened_by, opened_at)
       SELECT o.review_id, o.id, g.gate, o.stage, g.to_stage, o.tier, (SELECT max(version) FROM gate_policies), s.slots, 1, 1, o.content_hash, 'open', o.opener,
              now() - ($1 - o.j) * interval '10 minutes'
       FROM seed_open o JOIN seed_gates g ON g.stage = o.stage JOIN seed_slots s ON s.gate = g.gate AND s.tier = o.tier`,
      [size.openReviews],
    );
    await q(`UPDATE use_cases SET status = 'in_review' WHERE id IN (SELECT id FROM seed_open)`);
    // Three reviews in four have one slot signed already (never their only slot): a deployer, the other lawyer or a developer.
    await q(
      `INSERT INTO sign_offs (review_id, signer_id, role, decision, comment, revision, content_hash, created_at)
       SELECT o.review_id, pick.signer, pick.role, 'approve', 'looks right', 1, o.content_hash, now() - ($2 - o.j) * interval '10 minutes' + interval '1 hour'
       FROM seed_open o
       JOIN gate_reviews r ON r.id = o.review_id
       CROSS JOIN LATERAL (VALUES (0, o.deployer, 'deployer'), (1, $1::uuid, 'legal'), (2, o.developer, 'developer')) AS pick (k, signer, role)
       WHERE pick.k = o.j % 4 AND jsonb_array_length(r.slots) > 1 AND r.slots @> jsonb_build_array(jsonb_build_object('role', pick.role))`,
      [otherLegalId, size.openReviews],
    );
    const organisation = (Date.now() - started) / 1000;
    log(`    organisation: ${size.useCases} use cases, ${teams} teams, ${size.openReviews} open reviews in ${organisation.toFixed(1)} s`);

    const auditTimes = await seedAuditEvents(q, size, log);

    started = Date.now();
    await q('VACUUM (ANALYZE)');
    const vacuum = (Date.now() - started) / 1000;
    log(`    VACUUM (ANALYZE) in ${vacuum.toFixed(1)} s`);

    const clearanceIds = (await q(`SELECT id FROM seed_use_cases WHERE stage IN ('develop', 'deploy', 'operate') AND id NOT IN (SELECT id FROM seed_open) ORDER BY hashint4extended(i, 4) LIMIT 200`)).map((row) => row.id as string);
    const [deep] = await q(`SELECT created_at::text AS created_at, id FROM use_cases ORDER BY created_at, id OFFSET $1 LIMIT 1`, [Math.floor(size.useCases * 0.9)]);
    const [{ seq }] = await q(`SELECT seq FROM audit_chain_heads WHERE chain = 'main'`);
    return {
      legalId,
      developerId,
      auditorId,
      clearanceIds,
      deepUseCaseCursor: Buffer.from(`${deep.created_at}|${deep.id}`).toString('base64url'),
      deepAuditCursor: Buffer.from(`seq:${Math.floor(Number(seq) * 0.9)}`).toString('base64url'),
      seconds: { organisation, auditEvents: auditTimes.load, indexes: auditTimes.indexes, vacuum },
    };
  } finally {
    await client.end();
  }
}

/** Twenty actions in the proportions a busy registry writes them. */
const ACTION_MIX = [
  ...Array(7).fill('use_case.updated'), ...Array(3).fill('sign_off.recorded'), ...Array(2).fill('evidence.attached'), ...Array(2).fill('audit.read'),
  'use_case.created', 'gate_review.opened', 'gate_review.passed', 'sign_off.superseded', 'obligation.updated', 'use_case.tier_overridden',
];

/**
 * Appends the events after the head in batches, with the table's secondary
 * indexes dropped during the load and built again after it (as a restore would).
 */
async function seedAuditEvents(q: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>, size: ScaleSize, log: (line: string) => void) {
  const indexes = await q(`
    SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS constraint_definition
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
    WHERE x.indrelid = 'audit_events'::regclass AND NOT x.indisprimary`);
  for (const index of indexes) {
    await q(index.constraint_name ? `ALTER TABLE audit_events DROP CONSTRAINT ${index.constraint_name}` : `DROP INDEX ${index.name}`);
  }
  await q(`CREATE TEMP TABLE seed_actions (n, action) AS SELECT n - 1, action FROM unnest($1::text[]) WITH ORDINALITY AS a (action, n)`, [ACTION_MIX]);
  const [head] = await q(`SELECT seq::bigint AS seq, hash FROM audit_chain_heads WHERE chain = 'main'`);
  const headSeq = Number(head.seq);
  const spread = 365 * 24 * 3600 / Math.max(1, size.auditEvents);
  let started = Date.now();
  for (let from = 1; from <= size.auditEvents; from += AUDIT_BATCH) {
    const to = Math.min(size.auditEvents, from + AUDIT_BATCH - 1);
    await q(
      `INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id,
                                 use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
       SELECT 'main', $1 + k, gen_random_uuid(), now() - ($4 - k) * make_interval(secs => $5), u.opener::text, 'user', 'Opener',
              ARRAY['developer@' || u.dev_team], a.action, 'use_case', u.id::text, u.id,
              jsonb_build_object('revision', 1 + k % 7, 'contentHash', u.content_hash, 'changedFields', jsonb_build_array('title')),
              NULL, 'req-' || k, '10.0.0.' || (k % 250), 'scale-bench',
              CASE WHEN k = 1 THEN $6 ELSE encode(sha256(int8send($1 + k - 1)), 'hex') END, encode(sha256(int8send($1 + k)), 'hex')
       FROM generate_series($2::bigint, $3::bigint) AS k
       JOIN seed_use_cases u ON u.i = (k * 7919) % $7
       JOIN seed_actions a ON a.n = k % 20`,
      [headSeq, from, to, size.auditEvents, spread, head.hash, size.useCases],
    );
    if (size.auditEvents > AUDIT_BATCH) log(`    audit events: ${to} of ${size.auditEvents} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const last = headSeq + size.auditEvents;
  await q(`UPDATE audit_chain_heads SET seq = $1, hash = encode(sha256(int8send($1::bigint)), 'hex') WHERE chain = 'main'`, [last]);
  const load = (Date.now() - started) / 1000;
  started = Date.now();
  for (const index of indexes) {
    await q(index.constraint_name ? `ALTER TABLE audit_events ADD CONSTRAINT ${index.constraint_name} ${index.constraint_definition}` : String(index.definition));
  }
  const built = (Date.now() - started) / 1000;
  log(`    audit events: ${size.auditEvents} loaded in ${load.toFixed(1)} s, ${indexes.length} indexes rebuilt in ${built.toFixed(1)} s`);
  return { load, indexes: built };
}
