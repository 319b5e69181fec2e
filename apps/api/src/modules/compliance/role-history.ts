/** An event of the trail that gave or took away a role or a team membership. */
export interface RoleEvent {
  seq: string | number;
  occurred_at: Date;
  action: string;
  target_id: string;
  payload: Record<string, unknown>;
}

/** One stretch of time during which a person held a role (`legal`) or a team role (`developer@team:<id>`). */
export interface HeldRole {
  userId: string;
  holds: string;
  from: string;
  until: string | null;
  grantedBySeq: number;
  endedBySeq: number | null;
}

/**
 * Who held which role when, rebuilt from the trail alone (events in seq order):
 * a grant opens a stretch, a revocation or a removal closes it, and a
 * deactivation closes every stretch the person still had open.
 */
export function roleHistory(events: RoleEvent[]): HeldRole[] {
  const stretches: HeldRole[] = [];
  const open = new Map<string, HeldRole>();
  const grant = (userId: string, holds: string, event: RoleEvent) => {
    const key = `${userId}|${holds}`;
    if (open.has(key)) return;
    const stretch: HeldRole = { userId, holds, from: event.occurred_at.toISOString(), until: null, grantedBySeq: Number(event.seq), endedBySeq: null };
    open.set(key, stretch);
    stretches.push(stretch);
  };
  const end = (key: string, event: RoleEvent) => {
    const stretch = open.get(key);
    if (!stretch) return;
    stretch.until = event.occurred_at.toISOString();
    stretch.endedBySeq = Number(event.seq);
    open.delete(key);
  };
  for (const event of events) {
    const { payload } = event;
    switch (event.action) {
      case 'user.created':
        for (const role of rolesIn(payload.after)) grant(event.target_id, role, event);
        break;
      case 'user.role_granted':
        grant(event.target_id, String(payload.role), event);
        break;
      case 'user.role_revoked':
        end(`${event.target_id}|${String(payload.role)}`, event);
        break;
      case 'team.member_added':
        grant(String(payload.userId), `${String(payload.role)}@team:${event.target_id}`, event);
        break;
      case 'team.member_removed':
        end(`${String(payload.userId)}|${String(payload.role)}@team:${event.target_id}`, event);
        break;
      case 'user.deactivated':
        for (const key of [...open.keys()].filter((k) => k.startsWith(`${event.target_id}|`))) end(key, event);
        break;
    }
  }
  return stretches;
}

function rolesIn(snapshot: unknown): string[] {
  const roles = (snapshot as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) ? roles.map(String) : [];
}
