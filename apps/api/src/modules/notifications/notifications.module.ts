import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationMailer } from './notification-mailer';
import { NotificationMute } from './notification-mute.entity';
import { NotificationScans } from './notification-scans';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/**
 * Notifications (stored, listed, emailed). Modules that cause them import
 * this one and call NotificationsService in their own transaction; it
 * imports none of them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationMute])],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsRepository, NotificationMailer, NotificationScans],
  exports: [NotificationsService],
})
export class NotificationsModule {}
