import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { OrgRole, Principal, toAuditActor } from '@app/auth';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '@app/errors';
import { issueApiKeyToken } from './api-key-token';

export interface ApiKeyView {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  roles: OrgRole[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Shown once, at creation; only its hash is kept. */
export interface CreatedApiKey extends ApiKeyView {
  token: string;
}

const KEY_VIEW_SQL = `
  SELECT id, user_id AS "userId", name, prefix, roles, created_by AS "createdBy", created_at AS "createdAt",
         last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
  FROM api_keys`;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {}

  listFor(userId: string): Promise<ApiKeyView[]> {
    return this.dataSource.query(`${KEY_VIEW_SQL} WHERE user_id = $1 ORDER BY created_at`, [userId]);
  }

  /**
   * A person creates keys for themselves; an administrator creates them for
   * service accounts. A key's scope never exceeds what its owner holds, and a
   * key cannot mint further keys.
   */
  async create(principal: Principal, ownerId: string, input: { name: string; roles: OrgRole[] }): Promise<CreatedApiKey> {
    if (principal.kind === 'api_key') throw new ForbiddenError('An API key cannot create API keys.');
    return this.dataSource.transaction(async (manager) => {
      const [owner]: { kind: string; active: boolean; roles: OrgRole[] }[] = await manager.query(
        `SELECT u.kind, u.active, coalesce((SELECT array_agg(role) FROM user_roles WHERE user_id = u.id), '{}') AS roles
         FROM users u WHERE u.id = $1`,
        [ownerId],
      );
      if (!owner) throw new NotFoundError(`No user with id ${ownerId}.`);
      if (ownerId !== principal.userId && owner.kind !== 'service') {
        throw new ForbiddenError('Administrators create API keys for service accounts only; people create their own.');
      }
      if (!owner.active) throw new ForbiddenError('The owner of the key is deactivated.');
      const beyondOwner = input.roles.filter((role) => !owner.roles.includes(role));
      if (beyondOwner.length) {
        throw new ValidationFailedError([{ field: 'roles', detail: `the key's owner does not hold: ${beyondOwner.join(', ')}` }]);
      }
      const issued = issueApiKeyToken();
      const [{ id }] = await manager.query(
        'INSERT INTO api_keys (user_id, name, prefix, secret_hash, roles, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [ownerId, input.name, issued.prefix, issued.secretHash, input.roles, principal.userId],
      );
      const key = await this.get(id, manager);
      await this.trail.record(manager, {
        action: 'api_key.created',
        target: { type: 'api_key', id },
        after: { ownerId, name: key.name, prefix: key.prefix, roles: key.roles },
        actor: toAuditActor(principal),
      });
      return { ...key, token: issued.token };
    });
  }

  /** Revocation is immediate: every request re-reads the key. `ownerId` limits it to one owner's keys. */
  async revoke(keyId: string, ownerId?: string): Promise<ApiKeyView> {
    return this.dataSource.transaction(async (manager) => {
      const [locked] = await manager.query('SELECT user_id, revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [keyId]);
      // Another person's key is "not found", not "forbidden": ids are not confirmed to outsiders.
      if (!locked || (ownerId && locked.user_id !== ownerId)) throw new NotFoundError(`No API key with id ${keyId}.`);
      if (locked.revoked_at) return this.get(keyId, manager);
      await manager.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId]);
      const key = await this.get(keyId, manager);
      await this.trail.record(manager, { action: 'api_key.revoked', target: { type: 'api_key', id: keyId }, data: { ownerId: key.userId, name: key.name, prefix: key.prefix } });
      return key;
    });
  }

  private async get(id: string, manager: EntityManager): Promise<ApiKeyView> {
    const [key]: ApiKeyView[] = await manager.query(`${KEY_VIEW_SQL} WHERE id = $1`, [id]);
    return key;
  }
}
