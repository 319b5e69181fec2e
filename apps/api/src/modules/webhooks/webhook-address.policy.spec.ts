import { addressRefusal } from './webhook-address.policy';

const STRICT = { allowLoopback: false, allowPrivate: false };
const none = new Set<string>();

describe('which addresses a webhook may be sent to', () => {
  it('allows public unicast addresses, v4 and v6', () => {
    expect(addressRefusal('93.184.215.14', STRICT, none)).toBeUndefined();
    expect(addressRefusal('2606:2800:21f:cb07:6820:80da:af6b:8b2c', STRICT, none)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['10.1.2.3', /private network/],
    ['172.16.0.1', /private network/],
    ['192.168.1.1', /private network/],
    ['100.64.0.1', /private network/],
    ['fd00::1', /private network/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['2002:7f00:1::', /6to4/],
  ])('refuses %s', (address, reason) => {
    expect(addressRefusal(address, STRICT, none)).toMatch(reason);
  });

  it('allows loopback and private networks only when configured, and link-local never', () => {
    const loopback = { allowLoopback: true, allowPrivate: false };
    expect(addressRefusal('127.0.0.1', loopback, none)).toBeUndefined();
    expect(addressRefusal('::1', loopback, none)).toBeUndefined();
    expect(addressRefusal('10.1.2.3', loopback, none)).toMatch(/private/);
    const open = { allowLoopback: true, allowPrivate: true };
    expect(addressRefusal('10.1.2.3', open, none)).toBeUndefined();
    expect(addressRefusal('169.254.169.254', open, none)).toMatch(/link-local/);
  });

  it("refuses the service's own addresses, even public ones and in a private network that is allowed", () => {
    const own = new Set(['10.0.0.5', '203.0.113.9', '2a00:1450::5']);
    const open = { allowLoopback: true, allowPrivate: true };
    expect(addressRefusal('10.0.0.5', open, own)).toMatch(/address of this service/);
    expect(addressRefusal('10.0.0.6', open, own)).toBeUndefined();
    expect(addressRefusal('2a00:1450::5', open, own)).toMatch(/address of this service/);
  });

  it('names what is not an address', () => {
    expect(addressRefusal('example.com', STRICT, none)).toMatch(/not an IP address/);
  });
});
