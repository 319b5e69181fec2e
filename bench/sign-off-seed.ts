import { Client } from 'pg';

/**
 * Open reviews for the sign-off benchmark, written in bulk as the schema's
 * owner: each is a copy of one template use case (with its revision row) and
 * of the review the service opened on it, under new ids. Every column is
 * copied (jsonb_populate_record overrides only the ids and times), so a
 * column a later migration adds is copied too. The copies have no audit
 * events of their own: the benchmark measures decisions, not the trail of
 * how the reviews came to be.
 *
 * Each copy is listed in bench_reviews under a pool name with its position
 * (1…count) and the signer who will decide on it (the signers in turn).
 */
export class SignOffSeed {
  private constructor(
    private readonly client: Client,
    private readonly template: { useCaseId: string; reviewId: string },
  ) {}

  static async open(url: string, template: { useCaseId: string; reviewId: string }): Promise<SignOffSeed> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`SET statement_timeout = 0`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS bench_reviews (
        pool text NOT NULL,
        n bigint NOT NULL,
        review_id uuid NOT NULL,
        use_case_id uuid NOT NULL,
        signer_id uuid NOT NULL,
        PRIMARY KEY (pool, n)
      )`);
    return new SignOffSeed(client, template);
  }

  query(sql: string, params: unknown[] = []) {
    return this.client.query(sql, params).then((result) => result.rows);
  }

  /** `count` open reviews in `pool`; with `signedOnce`, each already signed once (as developer, approve) by its signer. */
  async seed(pool: string, count: number, signerIds: string[], options: { signedOnce?: boolean } = {}): Promise<void> {
    if (count <= 0) return;
    await this.query('BEGIN');
    try {
      await this.query(
        `INSERT INTO bench_reviews (pool, n, review_id, use_case_id, signer_id)
         SELECT $1, n, gen_random_uuid(), gen_random_uuid(), ($3::uuid[])[1 + (n - 1) % cardinality($3::uuid[])]
         FROM generate_series(1, $2::bigint) AS n`,
        [pool, count, signerIds],
      );
      await this.query(
        `INSERT INTO use_cases
         SELECT (jsonb_populate_record(t, jsonb_build_object('id', b.use_case_id, 'created_at', now(), 'updated_at', now()))).*
         FROM bench_reviews b, use_cases t WHERE b.pool = $1 AND t.id = $2`,
        [pool, this.template.useCaseId],
      );
      await this.query(
        `INSERT INTO use_case_revisions
         SELECT (jsonb_populate_record(t, jsonb_build_object('use_case_id', b.use_case_id, 'created_at', now()))).*
         FROM bench_reviews b, use_case_revisions t WHERE b.pool = $1 AND t.use_case_id = $2`,
        [pool, this.template.useCaseId],
      );
      await this.query(
        `INSERT INTO gate_reviews
         SELECT (jsonb_populate_record(t, jsonb_build_object('id', b.review_id, 'use_case_id', b.use_case_id, 'opened_at', now()))).*
         FROM bench_reviews b, gate_reviews t WHERE b.pool = $1 AND t.id = $2`,
        [pool, this.template.reviewId],
      );
      if (options.signedOnce) {
        await this.query(
          `INSERT INTO sign_offs (review_id, signer_id, role, decision, comment, revision, content_hash)
           SELECT b.review_id, b.signer_id, 'developer', 'approve', 'looks right', r.revision, r.content_hash
           FROM bench_reviews b JOIN gate_reviews r ON r.id = b.review_id WHERE b.pool = $1`,
          [pool],
        );
      }
      await this.query('COMMIT');
    } catch (error) {
      await this.query('ROLLBACK');
      throw error;
    }
  }

  /** The review ids of `pool`, in order. */
  async reviewIds(pool: string): Promise<string[]> {
    const rows = await this.query(`SELECT review_id FROM bench_reviews WHERE pool = $1 ORDER BY n`, [pool]);
    return rows.map((row) => row.review_id as string);
  }

  /** After the bulk load: statistics and visibility map as a settled database has them, and no checkpoint debt left for the measurement. */
  async settle() {
    await this.query('VACUUM (ANALYZE)');
    // CHECKPOINT needs a superuser or pg_checkpoint; without them the checkpointer catches up on its own.
    await this.query('CHECKPOINT').catch(() => undefined);
  }

  close() {
    return this.client.end();
  }
}
