import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { TEAM_ROLES, TeamRole } from '@app/auth';

export class CreateTeamDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name: string;
}

export class TeamIdParams {
  @IsUUID()
  id: string;
}

export class TeamMemberParams extends TeamIdParams {
  @IsUUID()
  userId: string;

  @IsIn(TEAM_ROLES)
  role: TeamRole;
}
