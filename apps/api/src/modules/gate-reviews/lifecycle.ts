/** Lifecycle stages, in order. A use case moves forward only through the gate at the end of its stage. */
export const STAGES = ['design', 'develop', 'deploy', 'operate', 'retired'] as const;
export type Stage = (typeof STAGES)[number];

/** Risk tiers, after the EU AI Act's categories. `prohibited` passes no gate. */
export const TIERS = ['minimal', 'limited', 'high', 'prohibited'] as const;
export type Tier = (typeof TIERS)[number];

/** The tiers a gate policy gives requirements for. */
export const GATED_TIERS = ['minimal', 'limited', 'high'] as const;
export type GatedTier = (typeof GATED_TIERS)[number];

export const GATES = ['design_to_develop', 'develop_to_deploy', 'deploy_to_operate', 'operate_review', 'retire'] as const;
export type Gate = (typeof GATES)[number];

/** The roles a gate can require sign-offs from. */
export const SIGN_OFF_ROLES = ['developer', 'deployer', 'legal', 'assessor'] as const;
export type SignOffRole = (typeof SIGN_OFF_ROLES)[number];

export const AI_ROLES = ['developer', 'deployer', 'both'] as const;
export type AiRole = (typeof AI_ROLES)[number];

export const USE_CASE_STATUSES = ['active', 'in_review', 'retired'] as const;
export type UseCaseStatus = (typeof USE_CASE_STATUSES)[number];
