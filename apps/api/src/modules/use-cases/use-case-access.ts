import { OrgRole, Principal } from '@app/auth';
import { ForbiddenError, HiddenRefusal, NotFoundError } from '@app/errors';

/** Organisation roles that read every use case (and change none through this access). */
export const USE_CASE_READERS: readonly OrgRole[] = ['admin', 'legal', 'assessor', 'compliance_officer'];

export interface TeamOwned {
  id: string;
  developerTeamId: string;
  deployerTeamId: string;
}

/** A developer or deployer of the use case's developer team or deployer team. */
export function isOnUseCaseTeam(principal: Principal, useCase: Omit<TeamOwned, 'id'>): boolean {
  return principal.teams.some((membership) => membership.teamId === useCase.developerTeamId || membership.teamId === useCase.deployerTeamId);
}

export function canReadUseCase(principal: Principal, useCase: Omit<TeamOwned, 'id'>): boolean {
  return isOnUseCaseTeam(principal, useCase) || principal.roles.some((role) => USE_CASE_READERS.includes(role));
}

/**
 * The one resource check for use cases. Someone who may not even read a use
 * case is told it does not exist (ids are not confirmed to outsiders); someone
 * who reads it but is not on its team is told they may not change it.
 */
export function assertUseCaseAccess(principal: Principal, useCase: TeamOwned, access: 'read' | 'write'): void {
  if (!canReadUseCase(principal, useCase)) {
    const detail = `No use case with id ${useCase.id}.`;
    // A refused write is recorded in the trail even though the answer does not confirm the id.
    throw access === 'write' ? new HiddenRefusal(detail, 'not-on-team') : new NotFoundError(detail);
  }
  if (access === 'write' && !isOnUseCaseTeam(principal, useCase)) {
    throw new ForbiddenError("Only developers and deployers of the use case's teams change it.");
  }
}
