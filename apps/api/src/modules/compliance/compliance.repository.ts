import { EntityManager } from 'typeorm';
import { EvidenceTally } from './statement-of-applicability.policy';

/**
 * The compliance module's hand-written SQL: set-based tallies of what the
 * other modules' records hold (read only; their owners write them), and the
 * lock that numbers Statement of Applicability versions one at a time.
 */
export async function lockSoaForEditing(manager: EntityManager): Promise<void> {
  // SHARE ROW EXCLUSIVE conflicts with itself and with every write, and lets readers through.
  await manager.query('LOCK TABLE soa_versions IN SHARE ROW EXCLUSIVE MODE');
}

interface TallyRow {
  name: string;
  count: string;
  latest_at: Date | null;
}

const toTallies = (rows: TallyRow[]) => new Map<string, EvidenceTally>(rows.map((row) => [row.name, { count: Number(row.count), latestAt: row.latest_at }]));

/** Evidence files by kind, passed gates by gate, and checklist answers by item, each with its count and latest date. */
export async function evidenceTallies(manager: EntityManager) {
  // One after another: the evidence pack reads these in its snapshot, on one connection.
  const evidenceKinds: TallyRow[] = await manager.query(`SELECT kind AS name, count(*) AS count, max(uploaded_at) AS latest_at FROM evidence GROUP BY kind`);
  const gates: TallyRow[] = await manager.query(`SELECT gate AS name, count(*) AS count, max(closed_at) AS latest_at FROM gate_reviews WHERE status = 'passed' GROUP BY gate`);
  const checklistItems: TallyRow[] = await manager.query(
    `SELECT item AS name, count(*) AS count, max(u.updated_at) AS latest_at
     FROM use_cases u CROSS JOIN LATERAL jsonb_object_keys(u.content->'checklist') AS item GROUP BY item`,
  );
  return { evidenceKinds: toTallies(evidenceKinds), gates: toTallies(gates), checklistItems: toTallies(checklistItems) };
}

/** Is `userId` an active person? A control's owner must be one. */
export async function isActiveUser(manager: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM users WHERE id = $1 AND active', [userId]);
  return rows.length > 0;
}
