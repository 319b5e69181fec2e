import { AppConfig } from '@app/config';
import { SignInLimiter, TooManySignInAttempts } from './sign-in-limiter';

const limiter = () => new SignInLimiter({ auth: { loginLimit: { perAccount: 2, perAddress: 3, windowSeconds: 60 } } } as AppConfig);
const refusal = (attempt: () => unknown) => {
  try {
    attempt();
  } catch (error) {
    return error as TooManySignInAttempts;
  }
  throw new Error('the attempt was not refused');
};

describe('sign-in limits', () => {
  it('count the attempts not given back, per account', () => {
    const limits = limiter();
    const t0 = 1_000_000;
    limits.giveBack(limits.take('10.0.0.1', 'a@x.test', t0)); // a success
    limits.take('10.0.0.1', 'a@x.test', t0);
    limits.take('10.0.0.1', ' A@X.test ', t0 + 1000);
    const refused = refusal(() => limits.take('10.0.0.2', 'a@x.test', t0 + 30_000));
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBe(30);
    expect(refused.detail).toBe('Too many failed sign-ins for this account; try again in 30 seconds.');
  });

  it('count per address across accounts, and reset when the window ends', () => {
    const limits = limiter();
    const t0 = 1_000_000;
    for (const email of ['a@x.test', 'b@x.test', 'c@x.test']) limits.take('10.0.0.1', email, t0);
    expect(refusal(() => limits.take('10.0.0.1', 'd@x.test', t0 + 59_500)).detail).toBe('Too many failed sign-ins from this address; try again in 1 second.');
    expect(() => limits.take('10.0.0.1', 'd@x.test', t0 + 60_000)).not.toThrow();
  });

  it('do not count a refused attempt', () => {
    const limits = limiter();
    limits.take('10.0.0.1', 'a@x.test', 0);
    limits.take('10.0.0.1', 'a@x.test', 0);
    for (let i = 0; i < 5; i++) refusal(() => limits.take('10.0.0.1', 'a@x.test', 0));
    expect(() => limits.take('10.0.0.1', 'b@x.test', 0)).not.toThrow();
  });
});
