import { roleHistory, RoleEvent } from './role-history';

const at = (seq: number, action: string, target: string, payload: Record<string, unknown>): RoleEvent => ({
  seq,
  occurred_at: new Date(Date.UTC(2026, 0, seq)),
  action,
  target_id: target,
  payload,
});

describe('roleHistory', () => {
  it('opens a stretch at a grant and closes it at its revocation, each with the audit seq that did it', () => {
    const history = roleHistory([
      at(1, 'user.created', 'ann', { after: { roles: ['legal'] } }),
      at(2, 'user.role_granted', 'ann', { role: 'assessor', before: { roles: ['legal'] }, after: { roles: ['legal', 'assessor'] } }),
      at(3, 'user.role_revoked', 'ann', { role: 'legal' }),
    ]);
    expect(history).toEqual([
      { userId: 'ann', holds: 'legal', from: '2026-01-01T00:00:00.000Z', until: '2026-01-03T00:00:00.000Z', grantedBySeq: 1, endedBySeq: 3 },
      { userId: 'ann', holds: 'assessor', from: '2026-01-02T00:00:00.000Z', until: null, grantedBySeq: 2, endedBySeq: null },
    ]);
  });

  it('tracks team roles per team, and a deactivation ends everything the person held', () => {
    const history = roleHistory([
      at(1, 'team.member_added', 'team-a', { userId: 'bob', role: 'developer' }),
      at(2, 'team.member_added', 'team-b', { userId: 'bob', role: 'deployer' }),
      at(3, 'team.member_removed', 'team-a', { userId: 'bob', role: 'developer' }),
      at(4, 'user.deactivated', 'bob', {}),
      at(5, 'team.member_removed', 'team-b', { userId: 'bob', role: 'deployer' }),
    ]);
    expect(history.map((h) => [h.holds, h.grantedBySeq, h.endedBySeq])).toEqual([
      ['developer@team:team-a', 1, 3],
      ['deployer@team:team-b', 2, 4],
    ]);
  });

  it('does not open a second stretch for a role already held', () => {
    expect(roleHistory([at(1, 'user.role_granted', 'c', { role: 'legal' }), at(2, 'user.role_granted', 'c', { role: 'legal' })])).toHaveLength(1);
  });
});
