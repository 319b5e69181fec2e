import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { SecretResponse } from '../../idempotency/secret-route.decorators';
import { CreateWebhookDto, DeliveriesQuery, RedeliverWebhookDto, WebhookIdParams } from './dto/webhook.dto';
import { WebhookDeliveryPageResponse, WebhookResponse, WebhookWithSecretResponse } from './dto/webhook.response';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Allow('webhooks:manage')
  @SecretResponse('secret')
  @ApiOperation({ summary: 'Register an endpoint for audit events (Standard Webhooks); the secret is shown once' })
  @ApiCreatedResponse({ type: WebhookWithSecretResponse })
  @ApiProblems(400, 422)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(principal, body);
  }

  @Get()
  @Allow('webhooks:manage')
  @ApiOkResponse({ type: [WebhookResponse] })
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  @Allow('webhooks:manage')
  @ApiOkResponse({ type: WebhookResponse })
  @ApiProblems(404, 422)
  get(@Param() params: WebhookIdParams) {
    return this.webhooks.get(params.id);
  }

  @Delete(':id')
  @Allow('webhooks:manage')
  @ApiOperation({ summary: 'Disable an endpoint for good (it is kept, with its deliveries)' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiProblems(404, 422)
  disable(@Param() params: WebhookIdParams) {
    return this.webhooks.disable(params.id);
  }

  @Post(':id/rotate-secret')
  @Allow('webhooks:manage')
  @HttpCode(200)
  @SecretResponse('secret')
  @ApiOperation({ summary: 'Replace the secret (shown once); the previous one signs too during the overlap window' })
  @ApiOkResponse({ type: WebhookWithSecretResponse })
  @ApiProblems(404, 409, 422)
  rotateSecret(@Param() params: WebhookIdParams) {
    return this.webhooks.rotateSecret(params.id);
  }

  @Get(':id/deliveries')
  @Allow('webhooks:manage')
  @ApiOperation({ summary: 'Delivery attempts, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryPageResponse })
  @ApiProblems(404, 422)
  deliveries(@Param() params: WebhookIdParams, @Query() query: DeliveriesQuery) {
    return this.webhooks.deliveries(params.id, query.limit, query.cursor);
  }

  @Post(':id/redeliver')
  @Allow('webhooks:manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume deliveries (a parked endpoint too), optionally replaying from an earlier seq' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiProblems(400, 404, 409, 422)
  redeliver(@Param() params: WebhookIdParams, @Body() body: RedeliverWebhookDto) {
    return this.webhooks.redeliver(params.id, body.fromSeq);
  }
}
