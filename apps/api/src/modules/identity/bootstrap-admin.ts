import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { AuditActor } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { User } from './users/user.entity';
import { EmailTakenError } from './users/users.errors';
import { UsersService } from './users/users.service';

/** The documented development login of `npm start` on the embedded database. */
export const DEVELOPMENT_ADMIN = { email: 'admin@gatehouse.local', password: 'gatehouse-dev-admin' };

const BOOTSTRAP_ACTOR: AuditActor = { id: 'system:bootstrap', kind: 'system', displayName: 'First start', roles: [] };

/**
 * On an empty database, creates the first administrator: from
 * GATEHOUSE_ADMIN_EMAIL / GATEHOUSE_ADMIN_PASSWORD when set; with the
 * documented development login on the embedded database; otherwise with a
 * generated password printed once.
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usersService: UsersService,
  ) {}

  async onApplicationBootstrap() {
    if (await this.users.exists()) return;
    const configured = this.config.auth.bootstrapAdmin;
    const development = this.config.database.embedded && this.config.env !== 'production';
    const email = configured.email ?? DEVELOPMENT_ADMIN.email;
    const password = configured.password ?? (development ? DEVELOPMENT_ADMIN.password : randomBytes(18).toString('base64url'));
    try {
      await this.usersService.create({ email, displayName: 'Administrator', kind: 'person', password, roles: ['admin'] }, BOOTSTRAP_ACTOR);
    } catch (error) {
      // Another instance starting on the same database got there first.
      if (error instanceof EmailTakenError) return;
      throw error;
    }
    if (configured.email) {
      this.logger.log(`Created the first administrator ${email} from GATEHOUSE_ADMIN_EMAIL.`);
    } else if (development) {
      this.logger.warn(`Created the development administrator ${email} with the development password documented in the README. Change it: POST /api/me/password.`);
    } else {
      this.logger.warn(`Created the first administrator ${email} with the one-time password "${password}". It is not shown again: sign in and change it now.`);
    }
  }
}
