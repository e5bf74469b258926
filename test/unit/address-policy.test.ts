// Classification only: no address here is ever connected to.
import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../lambdas/adapters/net/address-policy.ts';

const refused: ReadonlyArray<readonly [label: string, ip: string, kind: string]> = [
  ['IPv4 loopback', '127.0.0.1', 'loopback'],
  ['IPv4 loopback, anywhere in 127/8', '127.255.10.3', 'loopback'],
  ['IPv6 loopback', '::1', 'loopback'],
  ['private 10/8', '10.0.0.1', 'private'],
  ['private 172.16/12', '172.16.0.1', 'private'],
  ['private 172.16/12, top end', '172.31.255.254', 'private'],
  ['private 192.168/16', '192.168.1.1', 'private'],
  ['IPv4 link-local', '169.254.1.1', 'linkLocal'],
  ['the EC2 metadata service', '169.254.169.254', 'linkLocal'],
  ['the ECS credentials endpoint', '169.254.170.2', 'linkLocal'],
  ['IPv6 link-local', 'fe80::1', 'linkLocal'],
  ['IPv6 link-local with a zone', 'fe80::1%eth0', 'linkLocal'],
  ['IPv6 unique-local', 'fc00::1', 'uniqueLocal'],
  ['the EC2 metadata service over IPv6', 'fd00:ec2::254', 'uniqueLocal'],
  ['carrier-grade NAT', '100.64.0.1', 'carrierGradeNat'],
  ['carrier-grade NAT, top end (Alibaba metadata lives here)', '100.100.100.200', 'carrierGradeNat'],
  ['IPv4 multicast', '224.0.0.1', 'multicast'],
  ['IPv6 multicast', 'ff02::1', 'multicast'],
  ['broadcast', '255.255.255.255', 'broadcast'],
  ['IPv4 unspecified', '0.0.0.0', 'unspecified'],
  ['IPv4 "this network" 0/8', '0.1.2.3', 'unspecified'],
  ['IPv6 unspecified', '::', 'unspecified'],
  ['IPv4 reserved 240/4', '240.0.0.1', 'reserved'],
  ['IPv4 documentation TEST-NET-1', '192.0.2.1', 'reserved'],
  ['IPv4 IETF protocol assignments', '192.0.0.1', 'reserved'],
  ['IPv6 documentation', '2001:db8::1', 'reserved'],
  ['IPv4 benchmarking', '198.18.0.1', 'benchmarking'],
  ['IPv6 benchmarking', '2001:2::1', 'benchmarking'],
  ['IPv6 site-local (deprecated, still internal)', 'fec0::1', 'deprecatedSiteLocal'],
  ['IPv6 discard prefix', '100::1', 'discard'],
  ['IPv6 outside global unicast', '4000::1', 'reserved'],
  ['IPv4-compatible IPv6 embedding loopback', '::127.0.0.1', 'ipv4Compatible'],
  ['IPv4-compatible IPv6 embedding loopback, hex', '::7f00:1', 'ipv4Compatible'],
  ['IPv4-compatible IPv6 even with a public IPv4 (not IPv4-mapped)', '::8.8.8.8', 'ipv4Compatible'],
  ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
  ['IPv4-mapped loopback, as the URL parser writes it', '::ffff:7f00:1', 'ipv4Mapped:loopback'],
  ['IPv4-mapped metadata service', '::ffff:169.254.169.254', 'ipv4Mapped:linkLocal'],
  ['IPv4-mapped private', '::ffff:10.0.0.1', 'ipv4Mapped:private'],
  ['IPv4-translated loopback', '::ffff:0:127.0.0.1', 'ipv4Translated:loopback'],
  ['NAT64 embedding loopback', '64:ff9b::127.0.0.1', 'nat64:loopback'],
  ['NAT64 embedding private', '64:ff9b::a00:1', 'nat64:private'],
  ['NAT64 local-use prefix', '64:ff9b:1::1', 'nat64LocalUse'],
  ['6to4 embedding loopback', '2002:7f00:1::1', '6to4:loopback'],
  ['6to4 embedding the metadata service', '2002:a9fe:a9fe::1', '6to4:linkLocal'],
  ['Teredo whose client is loopback (bits inverted)', '2001:0:808:808::80ff:fffe', 'teredo:loopback'],
  ['Teredo whose server is private', '2001:0:a00:1::f7f7:f7f7', 'teredo:private'],
];

const invalid: readonly string[] = ['localhost', 'example.com', '127.1', '2130706433', '0x7f000001', '017700000001', '[::1]', '', '1.2.3.4.5'];

const allowed: readonly string[] = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];

describe('address policy', () => {
  it.each(refused)('refuses %s (%s) as %s', (_label, ip, kind) => {
    expect(checkAddress(ip)).toEqual({ allowed: false, kind });
  });

  it.each(invalid)('refuses %j, which is not a canonical IP address, as invalid', (text) => {
    expect(checkAddress(text)).toEqual({ allowed: false, kind: 'invalid' });
  });

  it.each(allowed)('allows the public address %s', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true });
  });

  it('refuses a zone id on an otherwise public IPv6 address', () => {
    expect(checkAddress('2606:4700::1111%eth0')).toEqual({ allowed: false, kind: 'scoped' });
  });
});
