import { ApiProperty } from '@nestjs/swagger';
import { ORG_ROLES, OrgRole, Principal } from '@app/auth';
import { UserResponse } from '../../users/dto/user.response';
import { AccessToken } from '../auth.service';

export class AccessTokenResponse implements AccessToken {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' }) accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', description: 'Seconds until the token expires' }) expiresIn: number;
}

/** The caller, with the roles and teams in effect for this request. */
export class MeResponse extends UserResponse {
  @ApiProperty({ enum: ['user', 'api_key'], description: 'Signed in as the person, or through one of their API keys' })
  via: Principal['kind'];

  @ApiProperty({ enum: ORG_ROLES, isArray: true, description: "The roles in effect: an API key's scope narrowed to what its owner holds" })
  effectiveRoles: OrgRole[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;
}
