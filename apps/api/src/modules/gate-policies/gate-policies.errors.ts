import { NotFoundError } from '@app/errors';

/** Nothing is published yet (the default is published on first start). Answered as 404 `not-found`. */
export class NoGatePolicyPublished extends NotFoundError {
  constructor() {
    super('No gate policy has been published.');
  }
}

/** No such version. Answered as 404 `not-found`. */
export class GatePolicyVersionNotFound extends NotFoundError {
  constructor(version: number) {
    super(`No gate policy version ${version}.`);
  }
}
