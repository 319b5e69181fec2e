import { afterFailure, backoffMs, describeSendError, MAX_BACKOFF_MS } from './delivery.policy';

const policy = { maxAttempts: 4, retryBaseMs: 1000 };

describe('after a failed send', () => {
  it('tries a temporary refusal (4xx) again, waiting twice as long each time, and gives up after the last attempt', () => {
    const refusal = { message: 'Mailbox busy', code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' };
    expect(afterFailure(refusal, 1, policy)).toEqual({ state: 'pending', retryInMs: 1000 });
    expect(afterFailure(refusal, 2, policy)).toEqual({ state: 'pending', retryInMs: 2000 });
    expect(afterFailure(refusal, 3, policy)).toEqual({ state: 'pending', retryInMs: 4000 });
    expect(afterFailure(refusal, 4, policy)).toEqual({ state: 'failed' });
  });

  it('gives up at once on a permanent refusal (5xx): no retry can change the answer', () => {
    expect(afterFailure({ message: 'No such user', responseCode: 550, command: 'RCPT TO' }, 1, policy)).toEqual({ state: 'failed' });
    expect(afterFailure({ message: 'Message rejected', responseCode: 554, command: 'DATA' }, 1, policy)).toEqual({ state: 'failed' });
  });

  // The errors' shapes are nodemailer's own (10.6): see what it gives for a closed port or an address that never answers.
  it('tries again when the connection could not be made: nothing was handed over', () => {
    expect(afterFailure({ message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }, 1, policy)).toEqual({ state: 'pending', retryInMs: 1000 });
    expect(afterFailure({ message: 'Greeting never received', code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' }, 2, policy)).toEqual({ state: 'pending', retryInMs: 2000 });
    expect(afterFailure({ message: 'Connection timeout', code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT', command: 'CONN' }, 1, policy)).toEqual({ state: 'pending', retryInMs: 1000 });
    expect(afterFailure({ message: 'getaddrinfo ENOTFOUND mail.example', code: 'EDNS', command: 'CONN' }, 1, policy)).toEqual({ state: 'pending', retryInMs: 1000 });
    expect(afterFailure({ message: 'connect ECONNREFUSED', code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }, 4, policy)).toEqual({ state: 'failed' });
  });

  it('never sends twice: a connection lost after it was made (nodemailer says CONN whatever the stage) leaves the email uncertain', () => {
    expect(afterFailure({ message: 'Timeout', code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }, 1, policy)).toEqual({ state: 'uncertain' });
    expect(afterFailure({ message: 'Connection closed unexpectedly', code: 'ECONNECTION', command: 'CONN' }, 1, policy)).toEqual({ state: 'uncertain' });
    expect(afterFailure({ message: 'read ECONNRESET', code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' }, 1, policy)).toEqual({ state: 'uncertain' });
    expect(afterFailure({ message: 'something odd' }, 1, policy)).toEqual({ state: 'uncertain' });
  });

  it('backs off at most an hour', () => {
    expect(backoffMs(1, 30_000)).toBe(30_000);
    expect(backoffMs(30, 30_000)).toBe(MAX_BACKOFF_MS);
  });

  it('keeps the server\'s words, short', () => {
    expect(describeSendError({ message: 'Mailbox busy: 451 try later', code: 'EENVELOPE', command: 'RCPT TO' })).toBe('EENVELOPE during RCPT TO Mailbox busy: 451 try later');
    expect(describeSendError({ message: 'x'.repeat(2000) })).toHaveLength(500);
  });
});
