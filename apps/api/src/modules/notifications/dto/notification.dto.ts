import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsUuid } from '@app/errors';
import { KeysetPageQuery } from '../../../http/keyset-page.query';
import { NOTIFICATION_KINDS, NotificationKind } from '../notification-kinds';

export class NotificationsQuery extends KeysetPageQuery {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Only the notifications not read yet' })
  @IsOptional()
  // A query string says "true" or "false"; anything else stays a string and is refused.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class NotificationIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
}

export class NotificationPreferencesDto {
  @ApiProperty({ enum: NOTIFICATION_KINDS, isArray: true, description: 'The kinds you do not want by email (they stay listed); every other kind is emailed. A mandatory kind cannot be muted (422).' })
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_KINDS.length)
  @IsIn(NOTIFICATION_KINDS, { each: true })
  muted: NotificationKind[];
}
