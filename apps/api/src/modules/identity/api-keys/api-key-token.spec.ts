import { issueApiKeyToken, parseApiKeyToken, secretMatches } from './api-key-token';

describe('API key tokens', () => {
  it('parse back to their prefix and a secret that matches the stored hash', () => {
    const issued = issueApiKeyToken();
    const parsed = parseApiKeyToken(issued.token)!;
    expect(parsed.prefix).toBe(issued.prefix);
    expect(secretMatches(parsed.secret, issued.secretHash)).toBe(true);
    expect(issued.secretHash).not.toContain(parsed.secret);
  });

  it('refuse a different secret and malformed tokens', () => {
    const issued = issueApiKeyToken();
    const other = parseApiKeyToken(issueApiKeyToken().token)!;
    expect(secretMatches(other.secret, issued.secretHash)).toBe(false);
    expect(parseApiKeyToken('ghk_short_secret')).toBeUndefined();
    expect(parseApiKeyToken(`Bearer ${issued.token}`)).toBeUndefined();
  });
});
