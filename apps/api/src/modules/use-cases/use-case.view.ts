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
