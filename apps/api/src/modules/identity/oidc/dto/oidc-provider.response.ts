import { ApiProperty } from '@nestjs/swagger';

/** A single sign-on provider, as the sign-in page offers it. */
export class OidcProviderResponse {
  @ApiProperty({ example: 'acme', description: 'Sign in at /api/auth/oidc/<id>/start' })
  id: string;

  @ApiProperty({ example: 'Acme SSO', description: 'What the sign-in button says' })
  name: string;
}
