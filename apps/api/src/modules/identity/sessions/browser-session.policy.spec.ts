import { lastSeenResolutionSeconds, sessionRefusal } from './browser-session.policy';

const at = (iso: string) => new Date(iso);
const session = (overrides: Partial<{ endedAt: Date | null; expiresAt: Date; lastSeenAt: Date }> = {}) => ({
  endedAt: null,
  expiresAt: at('2025-11-26T22:00:00.000Z'),
  lastSeenAt: at('2025-11-26T10:00:00.000Z'),
  ...overrides,
});
const HOUR = 3600;

describe('a browser session', () => {
  it('is usable before its end and within its idle timeout', () => {
    expect(sessionRefusal(session(), at('2025-11-26T11:00:00.000Z'), HOUR)).toBeUndefined();
  });

  it('is refused once idle for longer than the timeout', () => {
    expect(sessionRefusal(session(), at('2025-11-26T11:00:00.001Z'), HOUR)).toBe('idle');
  });

  it('is refused at its absolute end, however recently used', () => {
    const used = session({ lastSeenAt: at('2025-11-26T21:59:59.000Z') });
    expect(sessionRefusal(used, at('2025-11-26T21:59:59.999Z'), HOUR)).toBeUndefined();
    expect(sessionRefusal(used, at('2025-11-26T22:00:00.000Z'), HOUR)).toBe('expired');
  });

  it('is refused once ended, before anything else', () => {
    expect(sessionRefusal(session({ endedAt: at('2025-11-26T10:30:00.000Z') }), at('2025-11-26T10:31:00.000Z'), HOUR)).toBe('ended');
  });

  it('notes its use at most once a minute, more often when the idle timeout is short', () => {
    expect(lastSeenResolutionSeconds(HOUR)).toBe(60);
    expect(lastSeenResolutionSeconds(60)).toBe(15);
    expect(lastSeenResolutionSeconds(2)).toBe(1);
  });
});
