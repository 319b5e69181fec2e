import { isTransientDatabaseFailure } from './service-unavailable';

describe('isTransientDatabaseFailure', () => {
  it.each([
    ['pool exhaustion', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a statement timeout, wrapped by TypeORM', { message: 'canceling statement due to statement timeout', driverError: { code: '57014' } }],
    ['a server shutting down', { driverError: { code: '57P01' } }],
    ['a lost connection (class 08)', { code: '08006' }],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a serialization failure', { driverError: { code: '40001' } }],
  ])('treats %s as transient', (_name, error) => {
    expect(isTransientDatabaseFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { driverError: { code: '23505' } }],
    ['a bad value', { driverError: { code: '22P02' } }],
    ['a programming error', new TypeError('x is not a function')],
    ['nothing', undefined],
  ])('does not treat %s as transient', (_name, error) => {
    expect(isTransientDatabaseFailure(error)).toBe(false);
  });
});
