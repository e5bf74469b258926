/**
 * Which IP addresses Parley may connect to on an owner's behalf: public
 * unicast only. Everything else (loopback, private networks, the cloud
 * metadata service, link-local, multicast, reserved space, and IPv6 forms that
 * tunnel to such an IPv4 address) is refused.
 *
 * The policy is default-deny: an address is allowed only when `ipaddr.js`
 * files it under plain `unicast` (and, for IPv6, inside global unicast
 * 2000::/3), so a range we forgot to name is refused rather than reached.
 */
import ipaddr from 'ipaddr.js';

/** The verdict on one address. `kind` names the refused range, for logs and tests only: never show it to owners. */
export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly kind: string };

const ALLOWED: AddressVerdict = { allowed: true };
const refuse = (kind: string): AddressVerdict => ({ allowed: false, kind });

const cidr4 = (text: string): [ipaddr.IPv4, number] => ipaddr.IPv4.parseCIDR(text);
const cidr6 = (text: string): [ipaddr.IPv6, number] => ipaddr.IPv6.parseCIDR(text);

// ipaddr.js files RFC 2544 benchmarking space under "reserved"; name it so logs say what it is.
const BENCHMARKING_V4 = cidr4('198.18.0.0/15');
const GLOBAL_UNICAST_V6 = cidr6('2000::/3');
// Deprecated IPv4-compatible IPv6 (::a.b.c.d); ipaddr.js calls it unicast, but it is no public host.
const IPV4_COMPATIBLE_V6 = cidr6('::/96');
// Well-known NAT64 prefix: the last 32 bits are the IPv4 destination. (64:ff9b:1::/48 is local-use NAT64: refused outright.)
const NAT64_WELL_KNOWN = cidr6('64:ff9b::/96');

/**
 * Classifies one IP address, given as text: dotted-quad IPv4 or IPv6 (without brackets).
 * Anything else, such as a host name or a shorthand like `127.1`, is refused as
 * `invalid`: callers pass addresses already normalised by the URL parser or DNS.
 */
export function checkAddress(ip: string): AddressVerdict {
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) return checkIPv4(ipaddr.IPv4.parse(ip));
  const address = ipaddr.IPv6.isValid(ip) ? parseIPv6(ip) : undefined;
  if (address !== undefined) {
    const verdict = checkIPv6(address);
    // A zone id only makes sense for link-local space; refuse it anywhere else too.
    return verdict.allowed && address.zoneId !== undefined ? refuse('scoped') : verdict;
  }
  return refuse('invalid');
}

function parseIPv6(ip: string): ipaddr.IPv6 | undefined {
  if (!ip.includes('.')) return ipaddr.IPv6.parse(ip);
  // ipaddr.js reads any dotted tail as IPv4-mapped, so "::8.8.8.8" would pass for "::ffff:8.8.8.8";
  // the WHATWG URL parser places the dotted part exactly (and rejects it next to a zone id).
  const host = URL.parse(`http://[${ip}]/`)?.hostname;
  return host === undefined ? undefined : ipaddr.IPv6.parse(host.slice(1, -1));
}

function checkIPv4(address: ipaddr.IPv4): AddressVerdict {
  if (address.match(BENCHMARKING_V4)) return refuse('benchmarking');
  const range: string = address.range();
  return range === 'unicast' ? ALLOWED : refuse(range);
}

function checkIPv6(address: ipaddr.IPv6): AddressVerdict {
  const range: string = address.range();
  const { parts } = address;
  switch (range) {
    case 'unicast':
      if (address.match(IPV4_COMPATIBLE_V6)) return refuse('ipv4Compatible');
      return address.match(GLOBAL_UNICAST_V6) ? ALLOWED : refuse('reserved');
    // These forms deliver to an embedded IPv4 address: judge that address.
    case 'ipv4Mapped':
      return checkEmbedded('ipv4Mapped', [ipv4From(parts[6], parts[7])]);
    case 'rfc6145':
      return checkEmbedded('ipv4Translated', [ipv4From(parts[6], parts[7])]);
    case 'rfc6052':
      return address.match(NAT64_WELL_KNOWN)
        ? checkEmbedded('nat64', [ipv4From(parts[6], parts[7])])
        : refuse('nat64LocalUse');
    case '6to4':
      return checkEmbedded('6to4', [ipv4From(parts[1], parts[2])]);
    case 'teredo':
      // Teredo carries the relay server's IPv4 and the client's IPv4 (bit-inverted); either could be the target.
      return checkEmbedded('teredo', [
        ipv4From(parts[2], parts[3]),
        ipv4From((parts[6] ?? 0) ^ 0xffff, (parts[7] ?? 0) ^ 0xffff),
      ]);
    default:
      return refuse(range);
  }
}

function checkEmbedded(form: string, embedded: readonly ipaddr.IPv4[]): AddressVerdict {
  for (const ipv4 of embedded) {
    const verdict = checkIPv4(ipv4);
    if (!verdict.allowed) return refuse(`${form}:${verdict.kind}`);
  }
  return ALLOWED;
}

function ipv4From(high = 0, low = 0): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
