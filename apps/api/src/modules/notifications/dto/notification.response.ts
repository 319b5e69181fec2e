import { ApiProperty } from '@nestjs/swagger';
import { EMAIL_STATES, EmailState, NOTIFICATION_KINDS, NotificationKind } from '../notification-kinds';

export class NotificationEmailResponse {
  @ApiProperty({
    enum: EMAIL_STATES,
    description:
      "pending: waiting to be sent (or retried); sending: handed to the mail server; sent; muted: you muted this kind; off: email is not configured; failed: the server refused it for good, or it kept refusing; uncertain: the sender stopped between handing it over and hearing back, and it is not sent twice",
  })
  state: EmailState;

  @ApiProperty({ type: 'integer', minimum: 0 }) attempts: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What the mail server or the connection said when sending last did not succeed' }) lastError: string | null;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'The text of the email: the use case, the gate, what is asked and the link' }) body: string;
  @ApiProperty({ description: 'A deep link into the web app' }) link: string;
  @ApiProperty({ description: 'Asks for your own action (your sign-off is needed): cannot be muted' }) mandatory: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ type: NotificationEmailResponse }) email: NotificationEmailResponse;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationResponse], description: 'Newest first' }) items: NotificationResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'All your unread notifications, not only this page' }) unreadCount: number;
}

export class NotificationKindPreferenceResponse {
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Cannot be muted' }) mandatory: boolean;
  @ApiProperty({ description: 'Not emailed to you (still listed)' }) muted: boolean;
}

export class NotificationPreferencesResponse {
  @ApiProperty({ type: [NotificationKindPreferenceResponse] }) kinds: NotificationKindPreferenceResponse[];
}
