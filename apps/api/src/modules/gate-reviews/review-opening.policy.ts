import type { FieldError } from '@app/errors';
import { Gate, Stage, Tier } from './lifecycle';
import { gatesOpenFrom } from './sign-off.policy';

/**
 * Why a review for `gate` cannot be opened on a use case at `stage` and `tier`,
 * before any policy is consulted: the requirements of the gate itself
 * (evidence, checklist) come after, from unmetRequirements.
 */
export function reviewOpeningErrors(useCase: { stage: Stage; tier: Tier }, request: { gate: Gate; reason?: string }): FieldError[] {
  if (useCase.tier === 'prohibited') return [{ field: 'gate', detail: 'a prohibited use case cannot pass any gate' }];
  const open = gatesOpenFrom(useCase.stage);
  if (!open.includes(request.gate)) {
    return [{ field: 'gate', detail: useCase.stage === 'retired' ? 'a retired use case has no gates' : `from ${useCase.stage} the gates are ${open.join(' and ')}` }];
  }
  if (request.gate === 'retire' && !request.reason) return [{ field: 'reason', detail: 'a retirement needs a reason' }];
  return [];
}
