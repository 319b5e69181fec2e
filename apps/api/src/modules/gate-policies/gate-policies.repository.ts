import { EntityManager } from 'typeorm';

/**
 * The one hand-written statement on gate_policies: one publisher at a time,
 * so the next version number is read under this lock. SHARE ROW EXCLUSIVE
 * conflicts with itself and with every write, and lets readers through.
 */
export async function lockGatePoliciesForPublishing(manager: EntityManager): Promise<void> {
  await manager.query('LOCK TABLE gate_policies IN SHARE ROW EXCLUSIVE MODE');
}
