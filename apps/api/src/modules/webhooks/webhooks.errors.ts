import { RuleRefusal } from '@app/errors';

/** A disabled endpoint stays disabled: its secret is not rotated, its deliveries not resumed. Register a new one instead. */
export class WebhookDisabledRefusal extends RuleRefusal {
  constructor(id: string) {
    super(409, 'webhook-disabled', `Webhook endpoint ${id} is disabled; register a new endpoint instead.`, 'The webhook endpoint is disabled');
  }
}
