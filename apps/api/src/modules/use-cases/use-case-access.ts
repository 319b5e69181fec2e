import { OrgRole, Principal } from '@app/auth';
import { HiddenRefusal, NotFoundError } from '@app/errors';
import { NOT_ON_TEAM, NotOnUseCaseTeam } from './use-cases.errors';

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

/** Holds an organisation role that reads every use case, whatever its teams. */
export function readsEveryUseCase(principal: Principal): boolean {
  return principal.roles.some((role) => USE_CASE_READERS.includes(role));
}

/** Who may see a use case: a member of one of its two teams, or a holder of a role that reads them all. */
export function canReadUseCase(principal: Principal, useCase: Omit<TeamOwned, 'id'>): boolean {
  return readsEveryUseCase(principal) || isOnUseCaseTeam(principal, useCase);
}

const SQL_ALIAS = /^[a-z_][a-z0-9_]*$/;

/**
 * canReadUseCase for many use cases at once: a condition on the `use_cases`
 * row named `alias` that holds exactly for the rows canReadUseCase accepts.
 * Its values are appended to `params`, so its placeholders continue the
 * query's own. test/use-case-visibility.e2e-spec.ts runs both over the same rows.
 */
export function visibleUseCasesSql(principal: Principal, alias: string, params: unknown[]): string {
  if (!SQL_ALIAS.test(alias)) throw new Error(`"${alias}" is not a plain SQL alias`);
  if (readsEveryUseCase(principal)) return 'TRUE';
  const teamIds = [...new Set(principal.teams.map((membership) => membership.teamId))];
  if (teamIds.length === 0) return 'FALSE';
  params.push(teamIds);
  const teams = `$${params.length}::uuid[]`;
  return `(${alias}.developer_team_id = ANY(${teams}) OR ${alias}.deployer_team_id = ANY(${teams}))`;
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
    throw access === 'write' ? new HiddenRefusal(detail, NOT_ON_TEAM) : new NotFoundError(detail);
  }
  if (access === 'write' && !isOnUseCaseTeam(principal, useCase)) {
    throw new NotOnUseCaseTeam();
  }
}
