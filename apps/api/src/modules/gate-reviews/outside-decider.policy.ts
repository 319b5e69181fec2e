import { Principal } from '@app/auth';
import type { UseCaseParties } from './sign-off.policy';

export type OutsideDeciderVerdict = { allowed: true } | { allowed: false; status: 403; code: string; reason: string };

const refuse = (status: 403, code: string, reason: string): OutsideDeciderVerdict => ({ allowed: false, status, code, reason });

/**
 * The separation of duties of every decision a use case's team may not make
 * about itself — approving its impact assessment, accepting one of its risks:
 * a person (not an API key), deciding in a role the policy names for the
 * decision and that they hold, on neither of the use case's teams, who never
 * authored a revision of it. `otherAuthors` are further people too close to
 * the thing decided (the authors and submitter of an assessment).
 */
export function checkOutsideDecider(input: {
  actor: Principal;
  role: string;
  /** The roles the policy lets decide this. */
  allowedRoles: readonly string[];
  parties: UseCaseParties;
  otherAuthors?: readonly string[];
  /** What is being decided, for the reasons: "approves an impact assessment". */
  decision: string;
}): OutsideDeciderVerdict {
  const { actor, role, allowedRoles, parties, decision } = input;
  if (actor.kind !== 'user') return refuse(403, 'person-required', `A person ${decision}, not an API key.`);
  // Holding a role the policy does not give this authority is a refusal of authority, like not holding one.
  if (!allowedRoles.includes(role)) return refuse(403, 'role-not-allowed', `Under the gate policy, ${allowedRoles.join(' or ')} ${decision}; not ${role}.`);
  if (!(actor.roles as readonly string[]).includes(role)) return refuse(403, 'role-not-held', `Only a user holding the ${role} role decides as ${role}.`);
  if (actor.teams.some((m) => m.teamId === parties.developerTeamId || m.teamId === parties.deployerTeamId)) {
    return refuse(403, 'decider-on-team', `Someone outside the use case's teams ${decision}: the team does not decide for itself.`);
  }
  if (parties.authorIds.includes(actor.userId) || input.otherAuthors?.includes(actor.userId)) {
    return refuse(403, 'decider-is-author', `Someone who did not write what is decided ${decision}.`);
  }
  return { allowed: true };
}
