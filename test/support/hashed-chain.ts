import { AuditEvent, computeEventHash, GENESIS_HASH } from '../../libs/audit/src';

/**
 * A correctly hashed chain of `length` events, built with the service's own
 * hashing and no database; `vary` changes what each event says.
 */
export function makeHashedChain(length: number, vary: (seq: number) => Partial<Pick<AuditEvent, 'payload' | 'reason'>> = () => ({})): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const content: Omit<AuditEvent, 'hash'> = {
      chain: 'main',
      seq,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      occurredAt: new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString(),
      actor: { id: 'u-1', kind: 'user', displayName: 'Ada', roles: ['legal'] },
      action: 'use_case.updated',
      target: { type: 'use_case', id: 'uc-1' },
      useCaseId: null,
      payload: { after: { title: `v${seq}` } },
      reason: null,
      context: { requestId: `r-${seq}`, sourceIp: '127.0.0.1', userAgent: null },
      prevHash,
      ...vary(seq),
    };
    const event = { ...content, hash: computeEventHash(content) };
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}
