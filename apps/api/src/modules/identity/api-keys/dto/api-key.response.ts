import { ApiProperty } from '@nestjs/swagger';
import { ORG_ROLES, OrgRole } from '@app/auth';
import { ApiKeyView, CreatedApiKey } from '../api-keys.service';

export class ApiKeyResponse implements ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The owner: the key acts as this user' }) userId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The start of the token, to recognise it by' }) prefix: string;
  @ApiProperty({ enum: ORG_ROLES, isArray: true }) roles: OrgRole[];
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: Date | null;
}

/** Answered once, at creation: only the token's hash is kept. */
export class CreatedApiKeyResponse extends ApiKeyResponse implements CreatedApiKey {
  @ApiProperty({ description: 'Shown this once; send as `Authorization: Bearer <token>`' }) token: string;
}
