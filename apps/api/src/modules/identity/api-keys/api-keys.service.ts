import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsSelect, Repository } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { OrgRole, Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { NotFoundError, ValidationFailedError } from '@app/errors';
import { UsersRepository } from '../users/users.repository';
import { ApiKey } from './api-key.entity';
import { issueApiKeyToken } from './api-key-token';
import { KeyCreatedByKeyRefusal, KeyForAnotherPersonRefusal, KeyOwnerDeactivatedRefusal } from './api-keys.errors';

/** A key as the API shows it: never the secret's hash. */
export type ApiKeyView = Omit<ApiKey, 'secretHash'>;

/** Shown once, at creation; only its hash is kept. */
export interface CreatedApiKey extends ApiKeyView {
  token: string;
}

/** Every column but the secret's hash. */
const VIEW_COLUMNS: FindOptionsSelect<ApiKey> = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  roles: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
};

function apiKeyView(key: ApiKeyView): ApiKeyView {
  return {
    id: key.id,
    userId: key.userId,
    name: key.name,
    prefix: key.prefix,
    roles: key.roles,
    createdBy: key.createdBy,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly users: UsersRepository,
    private readonly trail: AuditTrail,
  ) {}

  async listFor(userId: string): Promise<ApiKeyView[]> {
    return (await this.keys.find({ select: VIEW_COLUMNS, where: { userId }, order: { createdAt: 'ASC' } })).map(apiKeyView);
  }

  /**
   * A person creates keys for themselves; an administrator creates them for
   * service accounts. A key's scope never exceeds what its owner holds, and a
   * key cannot mint further keys.
   */
  async create(principal: Principal, ownerId: string, input: { name: string; roles: OrgRole[] }): Promise<CreatedApiKey> {
    if (principal.kind === 'api_key') throw new KeyCreatedByKeyRefusal();
    return this.keys.manager.transaction(async (manager) => {
      const owner = await this.users.findWithAccess(ownerId, manager);
      if (!owner) throw new NotFoundError(`No user with id ${ownerId}.`);
      if (ownerId !== principal.userId && owner.user.kind !== 'service') throw new KeyForAnotherPersonRefusal();
      if (!owner.user.active) throw new KeyOwnerDeactivatedRefusal();
      const beyondOwner = input.roles.filter((role) => !owner.roles.includes(role));
      if (beyondOwner.length) {
        throw new ValidationFailedError([{ field: 'roles', detail: `the key's owner does not hold: ${beyondOwner.join(', ')}` }]);
      }
      const issued = issueApiKeyToken();
      const [key] = await manager
        .createQueryBuilder()
        .insert()
        .into(ApiKey)
        .values({ userId: ownerId, name: input.name, prefix: issued.prefix, secretHash: issued.secretHash, roles: input.roles, createdBy: principal.userId })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, ApiKey, result.raw));
      await this.trail.record(manager, {
        action: 'api_key.created',
        target: { type: 'api_key', id: key.id },
        after: { ownerId, name: key.name, prefix: key.prefix, roles: key.roles },
      });
      return { ...apiKeyView(key), token: issued.token };
    });
  }

  /** Revocation is immediate: every request re-reads the key. `ownerId` limits it to one owner's keys. */
  async revoke(keyId: string, ownerId?: string): Promise<ApiKeyView> {
    return this.keys.manager.transaction(async (manager) => {
      const locked = await manager
        .getRepository(ApiKey)
        .createQueryBuilder('k')
        .select(Object.keys(VIEW_COLUMNS).map((property) => `k.${property}`))
        .where('k.id = :keyId', { keyId })
        .setLock('pessimistic_write')
        .getOne();
      // Another person's key is "not found", not "forbidden": ids are not confirmed to outsiders.
      if (!locked || (ownerId && locked.userId !== ownerId)) throw new NotFoundError(`No API key with id ${keyId}.`);
      if (locked.revokedAt) return apiKeyView(locked);
      const [key] = await manager
        .createQueryBuilder()
        .update(ApiKey)
        .set({ revokedAt: () => 'now()' })
        .where('id = :keyId', { keyId })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, ApiKey, result.raw));
      await this.trail.record(manager, { action: 'api_key.revoked', target: { type: 'api_key', id: keyId }, data: { ownerId: key.userId, name: key.name, prefix: key.prefix } });
      return apiKeyView(key);
    });
  }
}
