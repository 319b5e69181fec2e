import type { AssessmentStanding } from '../impact-assessments/assessment-standing.policy';
import { Gate, STAGES, Stage } from './lifecycle';
import { FORWARD_GATES } from './sign-off.policy';

export interface ClearanceVerdict {
  cleared: boolean;
  reason: string;
}

/**
 * What the stage alone decides: a use case not yet at `stage`, or retired, is
 * not cleared; every use case may be designed. `undefined` when the answer
 * depends on which content the gate into `stage` approved.
 */
export function clearanceByStage(current: Stage, asked: Stage): ClearanceVerdict | undefined {
  if (STAGES.indexOf(current) < STAGES.indexOf(asked)) return { cleared: false, reason: `The use case is in ${current}; it has not passed the gate into ${asked}.` };
  if (current === 'retired' && asked !== 'retired') return { cleared: false, reason: 'The use case is retired.' };
  if (asked === 'design') return { cleared: true, reason: 'Every use case may be designed.' };
  return undefined;
}

/**
 * Cleared when the latest review that passed into `stage` approved exactly the
 * content of the revision asked about (by content hash: a revision that
 * restores approved content is cleared; one that changes it is not).
 */
export function clearanceByApproval(input: {
  stage: Stage;
  revision: number;
  /** The content hash of the revision asked about; undefined when there is no such revision. */
  revisionHash: string | undefined;
  passed: { id: string; revision: number; contentHash: string } | undefined;
}): ClearanceVerdict {
  const { stage, revision, revisionHash, passed } = input;
  if (revisionHash === undefined) return { cleared: false, reason: `The use case has no revision ${revision}.` };
  if (!passed) return { cleared: false, reason: `No passed gate review brought the use case into ${stage}.` };
  if (passed.contentHash !== revisionHash) {
    return { cleared: false, reason: `Gate review ${passed.id} approved revision ${passed.revision}; revision ${revision} has different content and has not been approved.` };
  }
  return { cleared: true, reason: `Gate review ${passed.id} approved this content for ${stage}.` };
}

/** The gate that brings a use case into `stage` (design has none; operate is entered by deploy_to_operate). */
export function gateInto(stage: Stage): Gate | undefined {
  if (stage === 'retired') return 'retire';
  const entry = Object.entries(FORWARD_GATES).find(([from, { to }]) => to === stage && from !== stage);
  return entry?.[1].gate;
}

/**
 * An approval of the content does not clear a use case whose impact
 * assessment, required by the gate into the stage, has gone stale or lost its
 * approval since: the pipeline asking learns why.
 */
export function clearanceWithAssessment(verdict: ClearanceVerdict, required: boolean, standing: Pick<AssessmentStanding, 'state' | 'reasons'>): ClearanceVerdict {
  if (!verdict.cleared || !required || standing.state === 'approved') return verdict;
  return { cleared: false, reason: `${verdict.reason} But the impact assessment this stage requires is ${standing.state.replace('_', ' ')}: ${standing.reasons.join(' ')}` };
}
