import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { TEAM_ROLES, TeamRole } from '@app/auth';
import { IsUuid } from '@app/errors';

export class CreateTeamDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name: string;
}

export class TeamIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  id: string;
}

export class TeamMemberParams extends TeamIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  userId: string;

  @ApiProperty({ enum: TEAM_ROLES })
  @IsIn(TEAM_ROLES)
  role: TeamRole;
}
