import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal, TeamRole } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { NotFoundError } from '@app/errors';
import { isUniqueViolation } from '../unique-violation';
import { User } from '../users/user.entity';
import { TeamMember } from './team-member.entity';
import { Team } from './team.entity';
import { SelfMembershipRefusal, TeamNameTakenError } from './teams.errors';
import { TeamMemberView, TeamsRepository, TeamWithMembers } from './teams.repository';

/** A team as the API shows it. */
export type TeamView = Pick<Team, 'id' | 'name' | 'createdAt'> & { members: TeamMemberView[] };

function teamView({ team, members }: TeamWithMembers): TeamView {
  return { id: team.id, name: team.name, createdAt: team.createdAt, members };
}

@Injectable()
export class TeamsService {
  constructor(
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    private readonly teamsWithMembers: TeamsRepository,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  async list(): Promise<TeamView[]> {
    return (await this.teamsWithMembers.listWithMembers()).map(teamView);
  }

  async get(id: string, manager: EntityManager = this.teams.manager): Promise<TeamView> {
    const found = await this.teamsWithMembers.findWithMembers(id, manager);
    if (!found) throw new NotFoundError(`No team with id ${id}.`);
    return teamView(found);
  }

  async create(name: string): Promise<TeamView> {
    return this.teams.manager.transaction(async (manager) => {
      const existing = await manager.getRepository(Team).createQueryBuilder('t').where('lower(t.name) = lower(:name)', { name }).getExists();
      if (existing) throw new TeamNameTakenError(name);
      const [team] = await manager
        .createQueryBuilder()
        .insert()
        .into(Team)
        .values({ name })
        .returning('*')
        .execute()
        .then((result) => rowsToEntities(manager, Team, result.raw))
        .catch((error: unknown) => {
          // Created by a concurrent request since the check above.
          throw isUniqueViolation(error, 'teams_name_unique') ? new TeamNameTakenError(name) : error;
        });
      await this.trail.record(manager, { action: 'team.created', target: { type: 'team', id: team.id }, after: { name: team.name } });
      return teamView({ team, members: [] });
    });
  }

  /** `principal` is who asks (absent for set-up outside a request); nobody adds themselves. */
  async addMember(teamId: string, userId: string, role: TeamRole, principal?: Principal): Promise<TeamView> {
    if (principal?.userId === userId) {
      const attempt = { attempted: 'team.member_added', target: { type: 'team', id: teamId } };
      return this.denials.watch(attempt, () => Promise.reject(new SelfMembershipRefusal()));
    }
    return this.teams.manager.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      if (!(await manager.getRepository(User).existsBy({ id: userId }))) throw new NotFoundError(`No user with id ${userId}.`);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(TeamMember)
        .values({ teamId, userId, role })
        .orIgnore()
        .returning('*')
        .execute();
      if (inserted.raw.length) {
        await this.trail.record(manager, { action: 'team.member_added', target: { type: 'team', id: teamId }, data: { userId, role } });
      }
      return this.get(teamId, manager);
    });
  }

  async removeMember(teamId: string, userId: string, role: TeamRole): Promise<TeamView> {
    return this.teams.manager.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      const { affected } = await manager.getRepository(TeamMember).delete({ teamId, userId, role });
      if (affected) {
        await this.trail.record(manager, { action: 'team.member_removed', target: { type: 'team', id: teamId }, data: { userId, role } });
      }
      return this.get(teamId, manager);
    });
  }

  private async lockTeam(manager: EntityManager, id: string) {
    const team = await manager.getRepository(Team).createQueryBuilder('t').select('t.id').where('t.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!team) throw new NotFoundError(`No team with id ${id}.`);
  }
}
