import { AddressPolicy, guardedLookup, type LookupAll, parseAllowlist, refusedHost } from './address-guard';

describe('AddressPolicy', () => {
  const strict = new AddressPolicy();

  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.0.1', /private/],
    ['169.254.1.1', /link-local/],
    ['169.254.169.254', /metadata/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['224.0.0.1', /multicast/],
    ['240.0.0.1', /reserved/],
    ['192.0.2.1', /reserved/],
    ['198.18.0.1', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['fd00:ec2::254', /metadata/],
    ['ff02::1', /multicast/],
    ['fec0::1', /site-local/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:a9fe:a9fe', /metadata/],
    ['::127.0.0.1', /IPv4-compatible|loopback/],
    ['64:ff9b::7f00:1', /NAT64 of a loopback/],
    ['64:ff9b::a00:1', /NAT64 of a private/],
    ['2002:7f00:1::', /6to4/],
    ['2001:db8::1', /reserved/],
    ['fe80::1%eth0', /link-local/],
  ])('refuses %s', (address, reason) => {
    expect(strict.check('example.com', address)).toMatch(reason);
  });

  it.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '64:ff9b::5db8:d822', '::ffff:93.184.216.34'])(
    'allows the public address %s',
    (address) => {
      expect(strict.check('example.com', address)).toBeNull();
    },
  );

  it('opens exact addresses, CIDRs and hostnames from the allowlist', () => {
    const policy = new AddressPolicy(['127.0.0.1', '10.20.0.0/16', 'feeds.intranet', '*.corp.example', 'fd00:1::/32']);
    expect(policy.check('x', '127.0.0.1')).toBeNull();
    expect(policy.check('x', '::ffff:127.0.0.1')).toBeNull();
    expect(policy.check('x', '127.0.0.2')).toMatch(/loopback/);
    expect(policy.check('x', '10.20.3.4')).toBeNull();
    expect(policy.check('x', '10.21.0.1')).toMatch(/private/);
    expect(policy.check('feeds.intranet', '10.99.0.1')).toBeNull();
    expect(policy.check('FEEDS.INTRANET.', '10.99.0.1')).toBeNull();
    expect(policy.check('news.corp.example', '192.168.1.1')).toBeNull();
    expect(policy.check('corp.example.evil', '192.168.1.1')).toMatch(/private/);
    expect(policy.check('x', 'fd00:1:2::3')).toBeNull();
  });

  it('keeps metadata endpoints closed to hostnames and ranges, open only to the exact address', () => {
    expect(new AddressPolicy(['169.254.0.0/16', 'metadata.internal']).check('metadata.internal', '169.254.169.254')).toMatch(/metadata/);
    expect(new AddressPolicy(['169.254.169.254']).check('x', '169.254.169.254')).toBeNull();
  });

  it('rejects an invalid CIDR instead of ignoring it', () => {
    expect(() => new AddressPolicy(['10.0.0.0/99'])).toThrow(/Invalid CIDR/);
  });
});

describe('guardedLookup', () => {
  const fake =
    (addresses: string[]): LookupAll =>
    (_hostname, _options, callback) =>
      callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  function resolve(addresses: string[], all: boolean): Promise<{ error: Error | null; result: unknown; family?: number }> {
    return new Promise((done) => {
      const lookup = guardedLookup(new AddressPolicy(), fake(addresses)) as unknown as (
        host: string,
        options: { all: boolean },
        cb: (error: Error | null, result: unknown, family?: number) => void,
      ) => void;
      lookup('example.com', { all }, (error, result, family) => done({ error, result, family }));
    });
  }

  it('hands back only the public addresses, in either callback form', async () => {
    expect((await resolve(['10.0.0.1', '93.184.216.34'], true)).result).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(await resolve(['::1', '2606:4700:4700::1111'], false)).toEqual({ error: null, result: '2606:4700:4700::1111', family: 6 });
  });

  it('fails naming the host and address when nothing is left', async () => {
    const { error } = await resolve(['10.0.0.1', '127.0.0.1'], true);
    expect(error?.message).toBe('Refusing to connect to example.com at 10.0.0.1: a private (RFC 1918) address');
  });
});

describe('parseAllowlist', () => {
  it('splits FETCH_ALLOWLIST on commas and whitespace', () => {
    expect(parseAllowlist(' 127.0.0.1, feeds.intranet\n10.0.0.0/8 ,,')).toEqual(['127.0.0.1', 'feeds.intranet', '10.0.0.0/8']);
    expect(parseAllowlist(undefined)).toEqual([]);
  });
});

describe('refusedHost (sources checked when added)', () => {
  const answer = (addresses: string[] | NodeJS.ErrnoException): LookupAll => (_host, _options, callback) =>
    Array.isArray(addresses) ? callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) : callback(addresses, []);
  const strict = new AddressPolicy();

  it('refuses a name whose every address is refused, naming the address', async () => {
    const refused = await refusedHost(strict, new URL('http://intranet.example/feed'), answer(['10.0.0.7', '127.0.0.1']));
    expect(refused).toMatchObject({ host: 'intranet.example', address: '10.0.0.7', reason: expect.stringMatching(/private/) });
  });

  it('accepts a name with one address the fetcher may connect to (it connects to that one only)', async () => {
    expect(await refusedHost(strict, new URL('http://mixed.example/feed'), answer(['10.0.0.7', '93.184.216.34']))).toBeNull();
  });

  it('accepts a name that does not resolve now', async () => {
    expect(await refusedHost(strict, new URL('http://gone.example/feed'), answer(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })))).toBeNull();
  });

  it('judges literal addresses without DNS, and follows the allowlist', async () => {
    const noDns = answer(Object.assign(new Error('not asked'), { code: 'EAI_FAIL' }));
    expect(await refusedHost(strict, new URL('http://[fd00:ec2::254]/'), noDns)).toMatchObject({ reason: expect.stringMatching(/metadata/) });
    expect(await refusedHost(new AddressPolicy(['127.0.0.1']), new URL('http://127.0.0.1:8080/feed'), noDns)).toBeNull();
    expect(await refusedHost(new AddressPolicy(['feeds.intranet']), new URL('http://feeds.intranet/rss'), answer(['10.0.0.7']))).toBeNull();
  });
});
