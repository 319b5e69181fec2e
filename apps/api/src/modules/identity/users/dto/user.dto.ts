import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ORG_ROLES, OrgRole } from '@app/auth';
import { IsUuid } from '@app/errors';

export class CreateUserDto {
  @ApiProperty()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ enum: ['person', 'service'], description: 'A service account has no password and signs in with API keys only' })
  @IsIn(['person', 'service'])
  kind: 'person' | 'service';

  @ApiPropertyOptional({ minLength: 12, description: 'Required for a person' })
  @IsOptional()
  @IsString()
  @Length(12, 256)
  password?: string;

  @ApiPropertyOptional({ enum: ORG_ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ORG_ROLES, { each: true })
  roles?: OrgRole[];
}

export class UpdateUserDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  displayName: string;
}

export class UserIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  id: string;
}

export class UserRoleParams extends UserIdParams {
  @ApiProperty({ enum: ORG_ROLES })
  @IsIn(ORG_ROLES)
  role: OrgRole;
}
