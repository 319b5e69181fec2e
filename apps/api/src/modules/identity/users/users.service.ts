import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryDeepPartialEntity, Repository } from 'typeorm';
import { AuditActor, AuditTrail, DeniedAttempts } from '@app/audit';
import { OrgRole, Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { NotFoundError, ValidationFailedError } from '@app/errors';
import { PasswordHasher } from '../auth/password-hasher';
import { isUniqueViolation } from '../unique-violation';
import { CreateUserDto } from './dto/user.dto';
import { UserRole } from './user-role.entity';
import { User } from './user.entity';
import { UserView, userView } from './user.view';
import { EmailTakenError, LastAdminRefusal, PasswordChangeByApiKeyRefusal, SelfDeactivationRefusal, SelfGrantRefusal } from './users.errors';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly usersWithAccess: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.usersWithAccess.listWithAccess()).map(userView);
  }

  async get(id: string, manager: EntityManager = this.users.manager): Promise<UserView> {
    const found = await this.usersWithAccess.findWithAccess(id, manager);
    if (!found) throw new NotFoundError(`No user with id ${id}.`);
    return userView(found);
  }

  /** Also used at first start, with the system as actor (see BootstrapAdmin). */
  async create(input: CreateUserDto, actor?: AuditActor): Promise<UserView> {
    if (input.kind === 'person' && !input.password) {
      throw new ValidationFailedError([{ field: 'password', detail: 'password is required for a person' }]);
    }
    if (input.kind === 'service' && input.password) {
      throw new ValidationFailedError([{ field: 'password', detail: 'a service account has no password; give it API keys' }]);
    }
    const passwordHash = input.password ? await this.hasher.hash(input.password) : null;
    const email = input.email.trim().toLowerCase();
    return this.users.manager.transaction(async (manager) => {
      if (await manager.getRepository(User).existsBy({ email })) throw new EmailTakenError(email);
      const [user] = await manager
        .createQueryBuilder()
        .insert()
        .into(User)
        .values({ email, displayName: input.displayName, kind: input.kind, passwordHash, passwordChangedAt: passwordHash === null ? null : () => 'now()' })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, User, result.raw))
        .catch((error: unknown) => {
          // Created by a concurrent request since the check above.
          throw isUniqueViolation(error, 'users_email_unique') ? new EmailTakenError(email) : error;
        });
      const granted = input.roles?.length
        ? await manager
            .createQueryBuilder()
            .insert()
            .into(UserRole)
            .values(input.roles.map((role) => ({ userId: user.id, role })))
            .returning('*')
            .execute()
            .then((result) => rowsToEntities(manager, UserRole, result.raw))
        : [];
      const created = userView({ user, roles: inRoleOrder(granted.map((row) => row.role)), teams: [] });
      await this.trail.record(manager, { action: 'user.created', target: { type: 'user', id: user.id }, after: auditView(created), actor });
      return created;
    });
  }

  async rename(id: string, displayName: string): Promise<UserView> {
    return this.users.manager.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (before.displayName === displayName) return before;
      const after = await this.updateUser(manager, before, { displayName });
      await this.trail.record(manager, { action: 'user.updated', target: { type: 'user', id }, before: auditView(before), after: auditView(after) });
      return after;
    });
  }

  /** Deactivation is immediate: every request re-reads the active flag. API keys of the user stop with it. */
  async deactivate(principal: Principal, id: string, reason?: string): Promise<UserView> {
    if (principal.userId === id) throw new SelfDeactivationRefusal();
    return this.users.manager.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (!before.active) return before;
      await this.assertNotLastAdmin(manager, before, 'deactivate');
      const after = await this.updateUser(manager, before, { active: false, deactivatedAt: () => 'now()' });
      await this.trail.record(manager, {
        action: 'user.deactivated',
        target: { type: 'user', id },
        before: auditView(before),
        after: auditView(after),
        reason,
      });
      return after;
    });
  }

  /** Nobody grants a role to themselves (separation of duties): an administrator who wants to assess asks another administrator. */
  async grantRole(principal: Principal, id: string, role: OrgRole): Promise<UserView> {
    const attempt = { attempted: 'user.role_granted', target: { type: 'user', id } };
    return this.denials.watch(attempt, () => this.users.manager.transaction(async (manager) => {
      if (principal.userId === id) {
        throw new SelfGrantRefusal();
      }
      const before = await this.lockedUser(manager, id);
      if (before.roles.includes(role)) return before;
      const [granted] = await manager
        .createQueryBuilder()
        .insert()
        .into(UserRole)
        .values({ userId: id, role })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, UserRole, result.raw));
      // The user's row lock serialises every change to their roles: before.roles and this grant are all of them.
      const after: UserView = { ...before, roles: inRoleOrder([...before.roles, granted.role]) };
      await this.trail.record(manager, { action: 'user.role_granted', target: { type: 'user', id }, data: { role }, before: { roles: before.roles }, after: { roles: after.roles } });
      return after;
    }));
  }

  async revokeRole(id: string, role: OrgRole): Promise<UserView> {
    return this.users.manager.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (!before.roles.includes(role)) return before;
      if (role === 'admin') await this.assertNotLastAdmin(manager, before, 'revoke the admin role of');
      const revoked = await manager
        .createQueryBuilder()
        .delete()
        .from(UserRole)
        .where('user_id = :id AND role = :role', { id, role })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, UserRole, result.raw));
      const after: UserView = { ...before, roles: before.roles.filter((held) => !revoked.some((row) => row.role === held)) };
      await this.trail.record(manager, { action: 'user.role_revoked', target: { type: 'user', id }, data: { role }, before: { roles: before.roles }, after: { roles: after.roles } });
      return after;
    });
  }

  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (principal.kind !== 'user') throw new PasswordChangeByApiKeyRefusal();
    const user = await this.users.findOne({ select: { id: true, passwordHash: true }, where: { id: principal.userId } });
    if (!(await this.hasher.verify(user?.passwordHash, currentPassword))) {
      throw new ValidationFailedError([{ field: 'currentPassword', detail: 'currentPassword is wrong' }]);
    }
    const hash = await this.hasher.hash(newPassword);
    await this.users.manager.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: principal.userId }, { passwordHash: hash, passwordChangedAt: () => 'now()' });
      await this.trail.record(manager, { action: 'user.password_changed', target: { type: 'user', id: principal.userId } });
    });
  }

  /** Locks the user's row (every change to a user and their roles takes this lock first), then reads them. */
  private async lockedUser(manager: EntityManager, id: string): Promise<UserView> {
    const locked = await manager.getRepository(User).createQueryBuilder('u').select('u.id').where('u.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!locked) throw new NotFoundError(`No user with id ${id}.`);
    return this.get(id, manager);
  }

  /** Changes columns of a locked user; the view after is the row the update returned, with the roles and teams read under the lock. */
  private async updateUser(manager: EntityManager, before: UserView, changes: QueryDeepPartialEntity<User>): Promise<UserView> {
    const [user] = await manager
      .createQueryBuilder()
      .update(User)
      .set(changes)
      .where('id = :id', { id: before.id })
      .returning('*')
      .execute()
      .then((result) => rowsToEntities(manager, User, result.raw));
    return userView({ user, roles: before.roles, teams: before.teams });
  }

  /** Serialised on the admin role rows, so two administrators cannot remove each other at once. */
  private async assertNotLastAdmin(manager: EntityManager, user: UserView, doing: string) {
    if (!user.roles.includes('admin')) return;
    const admins = await manager
      .getRepository(UserRole)
      .createQueryBuilder('r')
      .select('r.userId', 'userId')
      .innerJoin(User, 'u', 'u.id = r.userId')
      .where('r.role = :role', { role: 'admin' })
      .andWhere('u.active')
      .setLock('pessimistic_write', undefined, ['r'])
      .getRawMany();
    if (admins.length <= 1) throw new LastAdminRefusal(doing);
  }
}

/** As the database orders them (array_agg ORDER BY role): the roles are fixed lower-case names, so code-point order is the same. */
function inRoleOrder(roles: OrgRole[]): OrgRole[] {
  return [...roles].sort();
}

/** What the trail keeps of a user: identity and access, never credentials. */
function auditView(user: UserView) {
  return { email: user.email, displayName: user.displayName, kind: user.kind, active: user.active, roles: user.roles };
}
