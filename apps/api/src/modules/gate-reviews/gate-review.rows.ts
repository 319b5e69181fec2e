import { Gate, GatedTier, Stage } from './lifecycle';
import { RecordedDecision, ReviewState, RoleSlot } from './sign-off.policy';

/** gate_reviews as the driver returns it. */
export interface ReviewRow {
  id: string;
  use_case_id: string;
  gate: Gate;
  from_stage: Stage;
  to_stage: Stage;
  tier: GatedTier;
  policy_version: number;
  slots: RoleSlot[];
  opened_revision: number;
  revision: number;
  content_hash: string;
  status: ReviewState['status'];
  opened_by: string;
  opened_at: Date;
  closed_at: Date | null;
}

/** sign_offs as the driver returns it. */
export interface SignOffRow {
  id: string;
  signer_id: string;
  role: RoleSlot['role'];
  decision: RecordedDecision['decision'];
  comment: string;
  conditions: { description: string; ownerId?: string; dueDate?: string }[];
  revision: number;
  content_hash: string;
  supersedes: string | null;
  created_at: Date;
}
