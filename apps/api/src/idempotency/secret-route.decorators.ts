import { applyDecorators, Header, SetMetadata } from '@nestjs/common';

export const SECRET_REQUEST = 'gatehouse:secret-request';
export const SECRET_RESPONSE = 'gatehouse:secret-response';

/**
 * The request body carries a secret (a password). Such a route ignores
 * `Idempotency-Key`: the replay cache would keep a fast hash of the body, a
 * password anyone reading the table could try guesses against.
 */
export const SecretRequest = () => SetMetadata(SECRET_REQUEST, true);

/**
 * The response carries a secret shown only once (an access token, an API
 * key's token), named by `fields`. No cache keeps it: `Cache-Control:
 * no-store` for browsers and proxies, and the `Idempotency-Key` replay cache
 * stores the response without those fields and answers a retry with 409.
 */
export const SecretResponse = (...fields: string[]) =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'), SetMetadata(SECRET_RESPONSE, fields));
