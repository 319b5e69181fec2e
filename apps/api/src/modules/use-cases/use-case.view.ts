import { Stage, Tier, UseCaseStatus } from '../gate-reviews/lifecycle';
import { UseCaseContent } from './use-case-content';

export interface UseCaseView {
  id: string;
  stage: Stage;
  status: UseCaseStatus;
  /** The tier in force: the override when one is recorded, else the derived tier. */
  tier: Tier;
  derivedTier: Tier;
  revision: number;
  contentHash: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  content: UseCaseContent;
}

export interface UseCaseRow {
  id: string;
  developer_team_id: string;
  deployer_team_id: string;
  stage: Stage;
  status: UseCaseStatus;
  tier: Tier;
  derived_tier: Tier;
  content: UseCaseContent;
  revision: number;
  content_hash: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export function toUseCaseView(row: UseCaseRow): UseCaseView {
  return {
    id: row.id,
    stage: row.stage,
    status: row.status,
    tier: row.tier,
    derivedTier: row.derived_tier,
    revision: row.revision,
    contentHash: row.content_hash,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    content: row.content,
  };
}

export const asTeamOwned = (row: UseCaseRow) => ({ id: row.id, developerTeamId: row.developer_team_id, deployerTeamId: row.deployer_team_id });
