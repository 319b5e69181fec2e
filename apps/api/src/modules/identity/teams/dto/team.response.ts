import { ApiProperty } from '@nestjs/swagger';
import { TEAM_ROLES, TeamRole } from '@app/auth';
import { TeamView } from '../teams.service';

export class TeamMemberResponse {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: TEAM_ROLES }) role: TeamRole;
}

export class TeamResponse implements TeamView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: [TeamMemberResponse] }) members: TeamMemberResponse[];
}
