import { Principal } from './principal';
import { OrgRole } from './roles';

/**
 * What each organisation role may do, as data. Routes declare one permission
 * each; resource-level checks (is this actor on the use case's team?) are made
 * by the services on top of this.
 *
 * `authenticated` is any signed-in principal, for routes about the caller
 * itself (its profile, its password, its own API keys).
 */
export const PERMISSIONS = {
  authenticated: 'any',
  'audit:read': ['admin', 'compliance_officer'],
  'identity:read': ['admin', 'compliance_officer'],
  'identity:manage': ['admin'],
  // Use cases: who may see or change *which* use case is decided per object by the
  // registry (team membership, or an organisation role that reads everything).
  'use_cases:read': 'any',
  'use_cases:write': 'any',
  // The tier decides which approvals a gate needs: the team does not set its own.
  'use_cases:override_tier': ['assessor', 'legal'],
  // Deciding on a gate (a sign-off, a rollback): the sign-off rules decide who, per review.
  'gate_reviews:decide': 'any',
  // Deciding on an impact assessment or accepting a risk: outside the team; the gate policy decides which of these roles, per decision.
  'impact_assessments:decide': ['legal', 'assessor'],
  'risks:accept': ['legal', 'assessor'],
  'gate_policies:read': 'any',
  'gate_policies:manage': ['admin'],
  // The ISO/IEC 42001 Statement of Applicability and evidence pack: compliance work.
  'compliance:read': ['admin', 'compliance_officer'],
  'compliance:manage': ['admin', 'compliance_officer'],
  // Webhook endpoints receive the whole trail (every event they subscribe to) and hold signing secrets.
  'webhooks:manage': ['admin'],
} as const satisfies Record<string, readonly OrgRole[] | 'any'>;

export type Permission = keyof typeof PERMISSIONS;

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

export function decideAccess(principal: Principal, permission: Permission): AccessDecision {
  const grantedTo: readonly OrgRole[] | 'any' = PERMISSIONS[permission];
  if (grantedTo === 'any') return { allowed: true, reason: 'any signed-in caller' };
  const held = principal.roles.find((role) => grantedTo.includes(role));
  return held
    ? { allowed: true, reason: `holds ${held}` }
    : { allowed: false, reason: `${permission} requires one of: ${grantedTo.join(', ')}` };
}
