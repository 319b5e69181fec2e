import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditTrail, DeniedAttempts } from '@app/audit';
import { OrgRole, Principal, toAuditActor } from '@app/auth';
import { ConflictError, ForbiddenError, NotFoundError, RuleRefusal, ValidationFailedError } from '@app/errors';
import { PasswordHasher } from '../auth/password-hasher';
import { CreateUserDto } from './dto/user.dto';
import { USER_VIEW_SQL, UserView } from './user.view';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  list(): Promise<UserView[]> {
    return this.dataSource.query(`${USER_VIEW_SQL} ORDER BY u.email`);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserView> {
    const [user]: UserView[] = await manager.query(`${USER_VIEW_SQL} WHERE u.id = $1`, [id]);
    if (!user) throw new NotFoundError(`No user with id ${id}.`);
    return user;
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
    return this.dataSource.transaction(async (manager) => {
      const [existing] = await manager.query('SELECT 1 FROM users WHERE email = $1', [email]);
      if (existing) throw new ConflictError(`A user with email ${email} already exists.`);
      const [{ id }] = await manager.query(
        'INSERT INTO users (email, display_name, kind, password_hash, password_changed_at) VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END) RETURNING id',
        [email, input.displayName, input.kind, passwordHash],
      );
      for (const role of input.roles ?? []) await manager.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
      const user = await this.get(id, manager);
      await this.trail.record(manager, { action: 'user.created', target: { type: 'user', id }, after: auditView(user), actor });
      return user;
    });
  }

  async rename(id: string, displayName: string): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (before.displayName === displayName) return before;
      await manager.query('UPDATE users SET display_name = $2 WHERE id = $1', [id, displayName]);
      const after = await this.get(id, manager);
      await this.trail.record(manager, { action: 'user.updated', target: { type: 'user', id }, before: auditView(before), after: auditView(after) });
      return after;
    });
  }

  /** Deactivation is immediate: every request re-reads the active flag. API keys of the user stop with it. */
  async deactivate(principal: Principal, id: string, reason?: string): Promise<UserView> {
    if (principal.userId === id) throw new ConflictError('You cannot deactivate yourself; ask another administrator.');
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (!before.active) return before;
      await this.assertNotLastAdmin(manager, before, 'deactivate');
      await manager.query('UPDATE users SET active = false, deactivated_at = now() WHERE id = $1', [id]);
      const after = await this.get(id, manager);
      await this.trail.record(manager, {
        action: 'user.deactivated',
        target: { type: 'user', id },
        before: auditView(before),
        after: auditView(after),
        reason,
        actor: toAuditActor(principal),
      });
      return after;
    });
  }

  /** Nobody grants a role to themselves (separation of duties): an administrator who wants to assess asks another administrator. */
  async grantRole(principal: Principal, id: string, role: OrgRole): Promise<UserView> {
    const attempt = { actor: toAuditActor(principal), attempted: 'user.role_granted', target: { type: 'user', id } };
    return this.denials.watch(attempt, () => this.dataSource.transaction(async (manager) => {
      if (principal.userId === id) {
        throw new RuleRefusal(403, 'self-grant', 'You cannot grant a role to yourself; ask another administrator.', 'Role grant refused');
      }
      const before = await this.lockedUser(manager, id);
      if (before.roles.includes(role)) return before;
      await manager.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
      const after = await this.get(id, manager);
      await this.trail.record(manager, { action: 'user.role_granted', target: { type: 'user', id }, data: { role }, before: { roles: before.roles }, after: { roles: after.roles } });
      return after;
    }));
  }

  async revokeRole(id: string, role: OrgRole): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockedUser(manager, id);
      if (!before.roles.includes(role)) return before;
      if (role === 'admin') await this.assertNotLastAdmin(manager, before, 'revoke the admin role of');
      await manager.query('DELETE FROM user_roles WHERE user_id = $1 AND role = $2', [id, role]);
      const after = await this.get(id, manager);
      await this.trail.record(manager, { action: 'user.role_revoked', target: { type: 'user', id }, data: { role }, before: { roles: before.roles }, after: { roles: after.roles } });
      return after;
    });
  }

  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (principal.kind !== 'user') throw new ForbiddenError('An API key cannot change a password; sign in as the person.');
    const [row]: { password_hash: string | null }[] = await this.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [principal.userId]);
    if (!(await this.hasher.verify(row?.password_hash, currentPassword))) {
      throw new ValidationFailedError([{ field: 'currentPassword', detail: 'currentPassword is wrong' }]);
    }
    const hash = await this.hasher.hash(newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [principal.userId, hash]);
      await this.trail.record(manager, { action: 'user.password_changed', target: { type: 'user', id: principal.userId }, actor: toAuditActor(principal) });
    });
  }

  private async lockedUser(manager: EntityManager, id: string): Promise<UserView> {
    const [locked] = await manager.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundError(`No user with id ${id}.`);
    return this.get(id, manager);
  }

  /** Serialised on the admin role rows, so two administrators cannot remove each other at once. */
  private async assertNotLastAdmin(manager: EntityManager, user: UserView, doing: string) {
    if (!user.roles.includes('admin')) return;
    const admins: { user_id: string }[] = await manager.query(
      `SELECT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND u.active FOR UPDATE OF r`,
    );
    if (admins.length <= 1) throw new ConflictError(`You cannot ${doing} the last active administrator.`);
  }
}

/** What the trail keeps of a user: identity and access, never credentials. */
function auditView(user: UserView) {
  return { email: user.email, displayName: user.displayName, kind: user.kind, active: user.active, roles: user.roles };
}
