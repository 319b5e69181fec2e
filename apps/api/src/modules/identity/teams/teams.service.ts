import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { TeamRole } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';

export interface TeamView {
  id: string;
  name: string;
  createdAt: string;
  members: { userId: string; displayName: string; role: TeamRole }[];
}

const TEAM_VIEW_SQL = `
  SELECT t.id, t.name, t.created_at AS "createdAt",
         coalesce((SELECT json_agg(json_build_object('userId', m.user_id, 'displayName', u.display_name, 'role', m.role)
                                   ORDER BY u.display_name, m.role)
                   FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '[]') AS members
  FROM teams t`;

@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {}

  list(): Promise<TeamView[]> {
    return this.dataSource.query(`${TEAM_VIEW_SQL} ORDER BY t.name`);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<TeamView> {
    const [team]: TeamView[] = await manager.query(`${TEAM_VIEW_SQL} WHERE t.id = $1`, [id]);
    if (!team) throw new NotFoundError(`No team with id ${id}.`);
    return team;
  }

  async create(name: string): Promise<TeamView> {
    return this.dataSource.transaction(async (manager) => {
      const [existing] = await manager.query('SELECT 1 FROM teams WHERE lower(name) = lower($1)', [name]);
      if (existing) throw new ConflictError(`A team named "${name}" already exists.`);
      const [{ id }] = await manager.query('INSERT INTO teams (name) VALUES ($1) RETURNING id', [name]);
      const team = await this.get(id, manager);
      await this.trail.record(manager, { action: 'team.created', target: { type: 'team', id }, after: { name } });
      return team;
    });
  }

  async addMember(teamId: string, userId: string, role: TeamRole): Promise<TeamView> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      const [user] = await manager.query('SELECT active FROM users WHERE id = $1', [userId]);
      if (!user) throw new NotFoundError(`No user with id ${userId}.`);
      const inserted = await manager.query(
        'INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
        [teamId, userId, role],
      );
      if (inserted.length) {
        await this.trail.record(manager, { action: 'team.member_added', target: { type: 'team', id: teamId }, data: { userId, role } });
      }
      return this.get(teamId, manager);
    });
  }

  async removeMember(teamId: string, userId: string, role: TeamRole): Promise<TeamView> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      const [, deleted] = await manager.query('DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND role = $3', [teamId, userId, role]);
      if (deleted) {
        await this.trail.record(manager, { action: 'team.member_removed', target: { type: 'team', id: teamId }, data: { userId, role } });
      }
      return this.get(teamId, manager);
    });
  }

  private async lockTeam(manager: EntityManager, id: string) {
    const [team] = await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [id]);
    if (!team) throw new NotFoundError(`No team with id ${id}.`);
  }
}
