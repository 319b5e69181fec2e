import { Stage, Tier, UseCaseStatus } from '../gate-reviews/lifecycle';
import { UseCaseContent } from './use-case-content';
import { UseCase } from './use-case.entity';

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

/** A use case as the API answers with it. */
export function useCaseView(useCase: UseCase): UseCaseView {
  return {
    id: useCase.id,
    stage: useCase.stage,
    status: useCase.status,
    tier: useCase.tier,
    derivedTier: useCase.derivedTier,
    revision: useCase.revision,
    contentHash: useCase.contentHash,
    createdBy: useCase.createdBy,
    createdAt: useCase.createdAt.toISOString(),
    updatedAt: useCase.updatedAt.toISOString(),
    content: useCase.content,
  };
}

/**
 * The use case in the snake_case shape gate reviews still read (findRow,
 * lockedRow, lockForChange, parties, readersAmong). The UseCase entity is the
 * row type; this stays only until gate-reviews reads the entity.
 */
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

export function toUseCaseRow(useCase: UseCase): UseCaseRow {
  return {
    id: useCase.id,
    developer_team_id: useCase.developerTeamId,
    deployer_team_id: useCase.deployerTeamId,
    stage: useCase.stage,
    status: useCase.status,
    tier: useCase.tier,
    derived_tier: useCase.derivedTier,
    content: useCase.content,
    revision: useCase.revision,
    content_hash: useCase.contentHash,
    created_by: useCase.createdBy,
    created_at: useCase.createdAt,
    updated_at: useCase.updatedAt,
  };
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
