import { ApiProperty } from '@nestjs/swagger';
import { MeResponse } from '../../auth/dto/auth.response';
import { BrowserSessionView } from '../browser-sessions.service';

/** The web app's session. Its token is in the httpOnly cookie `gatehouse_session`, never in this answer. */
export class BrowserSessionResponse implements BrowserSessionView {
  @ApiProperty({ description: 'Send as the `X-CSRF-Token` header with every request that is not GET, HEAD or OPTIONS' })
  csrfToken: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the session ends, however it is used' })
  expiresAt: Date;

  @ApiProperty({ type: 'integer', description: 'Seconds without a request after which the session ends' })
  idleTimeoutSeconds: number;

  @ApiProperty({ type: MeResponse, description: 'The signed-in user, as GET /api/me shows them' })
  user: MeResponse;
}
