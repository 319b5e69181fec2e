import { DomainError } from '@app/errors';
import { DEFAULT_CHAIN } from './audit-chain';

/**
 * The chain holds an event after its recorded head that the sealer did not
 * append: someone wrote to the table directly. Nothing more is recorded — so
 * nothing changes — until an administrator has examined the chain. The
 * answer is 503 (the service cannot take changes), never a bare 500.
 */
export class AuditChainDamagedError extends DomainError {
  readonly code = 'audit-chain-damaged';
  readonly status = 503;
  readonly title = 'Changes suspended: the audit trail needs attention';

  constructor(cause: unknown) {
    super(
      `The audit chain "${DEFAULT_CHAIN}" already holds an event after its recorded head, which the sealer did not append: ` +
        'nothing can be recorded until the chain is examined (GET /api/audit/verify reports the event).',
    );
    this.cause = cause;
  }
}

/**
 * Whether the chain holds an event beyond its recorded head. Asked only when a
 * seal round fails: such an event is what makes the seal's own append fail,
 * and a healthy chain never has one.
 */
export const EVENT_BEYOND_HEAD_SQL = `SELECT EXISTS (
    SELECT 1 FROM audit_chain_heads h JOIN audit_events e ON e.chain = h.chain AND e.seq > h.seq WHERE h.chain = $1
  ) AS damaged`;
