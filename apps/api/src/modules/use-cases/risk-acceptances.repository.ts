import { EntityManager } from 'typeorm';
import { RiskAcceptance } from './risk-acceptance.entity';

export interface RiskAcceptanceView {
  id: string;
  useCaseId: string;
  riskId: string;
  riskHash: string;
  severity: number;
  useCaseRevision: number;
  role: string;
  decidedBy: string;
  comment: string;
  decidedAt: string;
}

/** Every acceptance recorded for the use case, oldest first. */
export async function acceptancesOf(manager: EntityManager, useCaseId: string): Promise<RiskAcceptanceView[]> {
  const rows = await manager.getRepository(RiskAcceptance).find({ where: { useCaseId }, order: { decidedAt: 'ASC' } });
  return rows.map(acceptanceView);
}

export function acceptanceView(row: RiskAcceptance): RiskAcceptanceView {
  return {
    id: row.id,
    useCaseId: row.useCaseId,
    riskId: row.riskId,
    riskHash: row.riskHash,
    severity: row.severity,
    useCaseRevision: row.useCaseRevision,
    role: row.role,
    decidedBy: row.decidedBy,
    comment: row.comment,
    decidedAt: row.decidedAt.toISOString(),
  };
}
