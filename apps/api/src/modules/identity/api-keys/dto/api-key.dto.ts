import { ApiProperty } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { ORG_ROLES, OrgRole } from '@app/auth';
import { IsUuid } from '@app/errors';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'release pipeline' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: ORG_ROLES, isArray: true, description: 'Scope: organisation roles the key acts with, among those its owner holds. Team memberships come from the owner.' })
  @IsArray()
  @ArrayUnique()
  @IsIn(ORG_ROLES, { each: true })
  roles: OrgRole[];
}

export class ApiKeyIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  id: string;
}
