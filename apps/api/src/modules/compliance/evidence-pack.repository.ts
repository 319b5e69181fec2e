import { EntityManager } from 'typeorm';
import type { RiskAcceptanceView } from '../use-cases/risk-acceptances.repository';

/**
 * The evidence pack's reads: set-based SQL over the records the other modules
 * own (read only), one use case at a time where a use case's history may be
 * long, so that a pack of any size is built in bounded memory.
 */

export interface PackPeriod {
  from?: Date;
  to: Date;
}

export interface InventoryRow {
  id: string;
  title: string;
  stage: string;
  status: string;
  tier: string;
  developer_team: string;
  deployer_team: string;
  revision: number;
  content_hash: string;
  created_at: Date;
  updated_at: Date;
}

/** Every use case registered before the end of the period: the auditor's sampling population, oldest first. */
export function inventory(manager: EntityManager, period: PackPeriod): Promise<InventoryRow[]> {
  return manager.query(
    `SELECT u.id, u.content->>'title' AS title, u.stage, u.status, u.tier, dt.name AS developer_team, pt.name AS deployer_team,
            u.revision, u.content_hash, u.created_at, u.updated_at
     FROM use_cases u JOIN teams dt ON dt.id = u.developer_team_id JOIN teams pt ON pt.id = u.deployer_team_id
     WHERE u.created_at < $1 ORDER BY u.created_at, u.id`,
    [period.to],
  );
}

/**
 * The reads run one after another, not side by side: the pack reads inside
 * one snapshot transaction, on one connection, which runs a query at a time
 * anyway (and pg will refuse overlapping ones).
 */
async function oneByOne<T extends readonly unknown[]>(reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}

/** One use case's record for its dossier: revisions, risks, gate reviews with each sign-off and its audit seq, obligations, evidence. */
export async function dossierOf(manager: EntityManager, useCaseId: string) {
  const [[current], revisions, reviews, signOffs, obligations, evidence] = await oneByOne([
    () => manager.query(`SELECT content FROM use_cases WHERE id = $1`, [useCaseId]),
    () => manager.query(
      `SELECT r.revision, r.content_hash AS "contentHash", r.changed_fields AS "changedFields", r.summary, r.author_id AS "authorId",
              a.display_name AS "authorName", r.created_at AS "createdAt"
       FROM use_case_revisions r JOIN users a ON a.id = r.author_id WHERE r.use_case_id = $1 ORDER BY r.revision`,
      [useCaseId],
    ),
    () => manager.query(
      `SELECT id, gate, from_stage AS "fromStage", to_stage AS "toStage", tier, policy_version AS "policyVersion", status,
              opened_revision AS "openedRevision", revision, content_hash AS "contentHash", opened_by AS "openedBy", opened_at AS "openedAt", closed_at AS "closedAt"
       FROM gate_reviews WHERE use_case_id = $1 ORDER BY opened_at, id`,
      [useCaseId],
    ),
    () => manager.query(
      `SELECT s.id, s.review_id AS "reviewId", s.signer_id AS "signerId", u.display_name AS "signerName", s.role, s.decision, s.comment,
              s.conditions, s.revision, s.content_hash AS "contentHash", s.supersedes, s.created_at AS "createdAt", e.seq::float8 AS "auditSeq"
       FROM sign_offs s JOIN gate_reviews r ON r.id = s.review_id JOIN users u ON u.id = s.signer_id
       LEFT JOIN audit_events e ON e.chain = 'main' AND e.action = 'sign_off.recorded' AND e.target_type = 'sign_off' AND e.target_id = s.id::text
       WHERE r.use_case_id = $1 ORDER BY s.created_at, s.id`,
      [useCaseId],
    ),
    () => manager.query(
      `SELECT id, review_id AS "reviewId", sign_off_id AS "signOffId", description, owner_id AS "ownerId", due_date::text AS "dueDate", status, closed_at AS "closedAt", created_at AS "createdAt"
       FROM obligations WHERE use_case_id = $1 ORDER BY created_at, id`,
      [useCaseId],
    ),
    () => manager.query(
      `SELECT e.id, e.kind, e.title, e.source, e.url, e.file_name AS "fileName", e.media_type AS "mediaType", e.size_bytes::float8 AS "sizeBytes",
              e.sha256, e.blob_id AS "blobId", e.previous_id AS "previousId", e.uploaded_by AS "uploadedBy", u.display_name AS "uploaderName", e.uploaded_at AS "uploadedAt"
       FROM evidence e JOIN users u ON u.id = e.uploaded_by WHERE e.use_case_id = $1 ORDER BY e.uploaded_at, e.id`,
      [useCaseId],
    ),
  ]);
  return { content: current?.content, revisions, reviews, signOffs, obligations, evidence } as {
    content: { risks?: unknown[]; checklist?: Record<string, unknown> } | undefined;
    revisions: Record<string, unknown>[];
    reviews: ({ id: string } & Record<string, unknown>)[];
    signOffs: ({ reviewId: string; blobId?: never } & Record<string, unknown>)[];
    obligations: Record<string, unknown>[];
    evidence: ({ id: string; blobId: string | null; fileName: string | null; source: string } & Record<string, unknown>)[];
  };
}

/** A row of risk_acceptances as the pack writes it: the API's fields, and the decider's name. */
export type PackedAcceptance = Omit<RiskAcceptanceView, 'decidedAt'> & { deciderName: string; decidedAt: Date };

/** A row of impact_assessment_decisions as the pack writes it, with the scope and tier the decision covered. */
export interface PackedAssessmentDecision {
  id: string;
  decision: string;
  role: string;
  decidedBy: string;
  deciderName: string;
  comment: string;
  revision: number;
  contentHash: string;
  templateVersion: number;
  useCaseRevision: number;
  scope: Record<string, unknown>;
  tier: string;
  decidedAt: Date;
}

/**
 * What is decided about one use case outside its content, for its
 * impact-assessment.json and risks.json: the use case as read (content, tier,
 * revision), its impact assessment with every revision (and its answers) and
 * every decision, and every risk acceptance ever recorded for it, oldest first.
 * The assessment is read before its revisions and decisions, so every one it
 * names (its working revision, the approval in force) is among them.
 */
export async function treatmentOf(manager: EntityManager, useCaseId: string) {
  const [[useCase], [assessment], acceptances] = await oneByOne([
    () => manager.query(`SELECT revision, content_hash AS "contentHash", tier, content FROM use_cases WHERE id = $1`, [useCaseId]),
    () => manager.query(
      `SELECT id, template_version AS "templateVersion", revision, status, content_hash AS "contentHash", answers,
              submitted_by AS "submittedBy", submitted_at AS "submittedAt", submitted_use_case_revision AS "submittedUseCaseRevision",
              approval_id AS "approvalId", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM impact_assessments WHERE use_case_id = $1`,
      [useCaseId],
    ),
    () => manager.query(
      `SELECT a.id, a.use_case_id AS "useCaseId", a.risk_id AS "riskId", a.risk_hash AS "riskHash", a.severity, a.use_case_revision AS "useCaseRevision",
              a.role, a.decided_by AS "decidedBy", u.display_name AS "deciderName", a.comment, a.decided_at AS "decidedAt"
       FROM risk_acceptances a JOIN users u ON u.id = a.decided_by WHERE a.use_case_id = $1 ORDER BY a.decided_at, a.id`,
      [useCaseId],
    ) as Promise<PackedAcceptance[]>,
  ]);
  const [revisions, decisions] = assessment
    ? await oneByOne([
        () => manager.query(
          `SELECT r.revision, r.content_hash AS "contentHash", r.template_version AS "templateVersion", r.author_id AS "authorId",
                  u.display_name AS "authorName", r.created_at AS "createdAt", r.answers
           FROM impact_assessment_revisions r JOIN users u ON u.id = r.author_id WHERE r.assessment_id = $1 ORDER BY r.revision`,
          [assessment.id],
        ) as Promise<Record<string, unknown>[]>,
        () => manager.query(
          `SELECT d.id, d.decision, d.role, d.decided_by AS "decidedBy", u.display_name AS "deciderName", d.comment, d.revision, d.content_hash AS "contentHash",
                  d.template_version AS "templateVersion", d.use_case_revision AS "useCaseRevision", d.scope, d.tier, d.decided_at AS "decidedAt"
           FROM impact_assessment_decisions d JOIN users u ON u.id = d.decided_by WHERE d.assessment_id = $1 ORDER BY d.decided_at, d.id`,
          [assessment.id],
        ) as Promise<PackedAssessmentDecision[]>,
      ])
    : [[], []];
  return { useCase, assessment: assessment ?? null, revisions, decisions, acceptances } as {
    useCase: { revision: number; contentHash: string; tier: string; content: { risks?: unknown[] } & Record<string, unknown> } | undefined;
    assessment: ({ id: string; approvalId: string | null; submittedBy: string | null; submittedAt: Date | null; submittedUseCaseRevision: number | null } & Record<string, unknown>) | null;
    revisions: Record<string, unknown>[];
    decisions: PackedAssessmentDecision[];
    acceptances: PackedAcceptance[];
  };
}

/** The gate-policy versions in force at some moment of the period: the one in force at its start and every one published during it. */
export function policiesInForce(manager: EntityManager, period: PackPeriod): Promise<{ version: number; document: unknown; document_hash: string; note: string | null; published_by: string; published_at: Date }[]> {
  return manager.query(
    `SELECT p.version, p.document, p.document_hash, p.note, p.published_by, p.published_at FROM gate_policies p
     WHERE p.published_at < $2
       AND NOT EXISTS (SELECT 1 FROM gate_policies later WHERE later.version > p.version AND later.published_at <= coalesce($1, '-infinity'::timestamptz))
     ORDER BY p.version`,
    [period.from ?? null, period.to],
  );
}

/** Who was given or lost which organisation role or team membership, and when, as the trail recorded it, up to the end of the period. */
export function roleChanges(manager: EntityManager, period: PackPeriod): Promise<{ seq: string; occurred_at: Date; action: string; actor_id: string; target_id: string; payload: Record<string, unknown> }[]> {
  return manager.query(
    `SELECT seq, occurred_at, action, actor_id, target_id, payload FROM audit_events
     WHERE chain = 'main' AND action IN ('user.created', 'user.role_granted', 'user.role_revoked', 'user.deactivated', 'team.member_added', 'team.member_removed')
       AND occurred_at < $1
     ORDER BY seq`,
    [period.to],
  );
}

/** Clause 9.1 figures for the period. */
export async function metrics(manager: EntityManager, period: PackPeriod) {
  const params = [period.from ?? null, period.to];
  const within = (column: string) => `${column} >= coalesce($1, '-infinity'::timestamptz) AND ${column} < $2`;
  const [gates, [obligations], [overdue]] = await oneByOne([
    () => manager.query(
      `SELECT gate, status, count(*)::int AS count, avg(extract(epoch FROM closed_at - opened_at))::float8 AS mean_cycle_seconds
       FROM gate_reviews WHERE closed_at IS NOT NULL AND ${within('closed_at')} GROUP BY gate, status ORDER BY gate, status`,
      params,
    ),
    () => manager.query(`SELECT count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'open' AND due_date < current_date)::int AS past_due FROM obligations`),
    () => manager.query(`SELECT count(*)::int AS count FROM use_cases WHERE stage = 'operate' AND (next_review_due <= current_date OR rereview_reason IS NOT NULL)`),
  ]);
  return { gates, obligations, overdueReviews: overdue.count as number };
}

/** The first event of the period, and the hash of the one before it: where the pack's slice of the chain starts and what it links to. */
export async function sliceStart(manager: EntityManager, period: PackPeriod): Promise<{ fromSeq: number; prevHash: string | null }> {
  if (!period.from) return { fromSeq: 1, prevHash: null };
  const [first]: { seq: string }[] = await manager.query(
    `SELECT seq FROM audit_events WHERE chain = 'main' AND occurred_at >= $1 ORDER BY occurred_at, seq LIMIT 1`,
    [period.from],
  );
  if (!first) {
    const [head]: { seq: string }[] = await manager.query(`SELECT seq FROM audit_chain_heads WHERE chain = 'main'`);
    return { fromSeq: Number(head.seq) + 1, prevHash: null };
  }
  const fromSeq = Number(first.seq);
  if (fromSeq === 1) return { fromSeq, prevHash: null };
  const [previous]: { hash: string }[] = await manager.query(`SELECT hash FROM audit_events WHERE chain = 'main' AND seq = $1`, [fromSeq - 1]);
  return { fromSeq, prevHash: previous.hash };
}
