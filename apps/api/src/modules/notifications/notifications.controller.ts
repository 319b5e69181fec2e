import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { NotificationIdParams, NotificationPreferencesDto, NotificationsQuery } from './dto/notification.dto';
import { NotificationPageResponse, NotificationPreferencesResponse, NotificationResponse } from './dto/notification.response';
import { NotificationsService } from './notifications.service';

/** A person's own notifications and email preferences (an API key acts for its owner). */
@ApiTags('notifications')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/me')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @Allow('authenticated')
  @ApiOperation({ summary: 'My notifications, newest first, a page at a time (emailed or not: each says what became of its email)' })
  @ApiOkResponse({ type: NotificationPageResponse })
  @ApiProblems(422)
  list(@CurrentPrincipal() principal: Principal, @Query() query: NotificationsQuery) {
    return this.notifications.list(principal, query);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @Allow('authenticated')
  @ApiOperation({ summary: 'Mark one of my notifications read (reading it again keeps the first time)' })
  @ApiOkResponse({ type: NotificationResponse })
  @ApiProblems(404, 422)
  markRead(@CurrentPrincipal() principal: Principal, @Param() params: NotificationIdParams) {
    return this.notifications.markRead(principal, params.id);
  }

  @Get('notification-preferences')
  @Allow('authenticated')
  @ApiOperation({ summary: 'Which kinds of notification I receive by email' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  preferences(@CurrentPrincipal() principal: Principal) {
    return this.notifications.preferences(principal);
  }

  @Put('notification-preferences')
  @Allow('authenticated')
  @ApiOperation({ summary: 'Set the kinds I do not want by email; a mandatory kind (sign-off needed) cannot be muted' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  @ApiProblems(400, 422)
  setPreferences(@CurrentPrincipal() principal: Principal, @Body() body: NotificationPreferencesDto) {
    return this.notifications.setPreferences(principal, body);
  }
}
