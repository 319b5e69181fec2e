import { runtimeRoleName } from './runtime-role';

describe('runtimeRoleName', () => {
  it('names the role after its database', () => {
    expect(runtimeRoleName('gatehouse')).toBe('gatehouse_runtime');
  });

  it('stays within PostgreSQL\'s 63 bytes and keeps long names apart', () => {
    const a = runtimeRoleName(`${'a'.repeat(60)}_one`);
    const b = runtimeRoleName(`${'a'.repeat(60)}_two`);
    for (const name of [a, b, runtimeRoleName('é'.repeat(31))]) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/_runtime$/);
  });
});
