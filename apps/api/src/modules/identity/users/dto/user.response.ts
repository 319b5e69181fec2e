import { ApiProperty } from '@nestjs/swagger';
import { ORG_ROLES, OrgRole, TEAM_ROLES, TeamRole } from '@app/auth';
import { UserView } from '../user.view';

export class TeamMembershipResponse {
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ enum: TEAM_ROLES }) role: TeamRole;
}

/** A user as the API shows it: never the password hash. */
export class UserResponse implements UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ['person', 'service'] }) kind: 'person' | 'service';
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: ORG_ROLES, isArray: true }) roles: OrgRole[];
  @ApiProperty({ type: [TeamMembershipResponse] }) teams: TeamMembershipResponse[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deactivatedAt: Date | null;
}
