/**
 * The visitor's address. Behind CloudFront the functions see CloudFront's
 * address; a viewer-request CloudFront Function writes the viewer's IP into
 * `x-parley-viewer-address` (overwriting any copy a client sent), and the
 * distribution proves the request came through it with a secret origin header
 * (`x-parley-edge-secret`, the functions' `PARLEY_EDGE_SECRET`). Without that
 * proof the header is anyone's to forge, so the connection's own address is used.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import ipaddr from 'ipaddr.js';

export const EDGE_SECRET_HEADER = 'x-parley-edge-secret';
export const VIEWER_ADDRESS_HEADER = 'x-parley-viewer-address';

const sameSecret = (given: string | undefined, expected: string): boolean => {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Whether the request carries CloudFront's proof, the edge secret in `x-parley-edge-secret` (compared in constant time). */
export const cameThroughCloudFront = (event: APIGatewayProxyEventV2, edgeSecret: string | undefined): boolean =>
  !!edgeSecret && sameSecret(event.headers[EDGE_SECRET_HEADER], edgeSecret);

/** `203.0.113.7` or `2001:db8::1`, as CloudFront's `event.viewer.ip` gives it; null when it is no address. */
const viewerIp = (value: string | undefined): string | null =>
  value && ipaddr.isValid(value) ? ipaddr.parse(value).toString() : null;

export const clientAddress = (event: APIGatewayProxyEventV2, edgeSecret: string | undefined): string => {
  if (cameThroughCloudFront(event, edgeSecret)) {
    const viewer = viewerIp(event.headers[VIEWER_ADDRESS_HEADER]);
    if (viewer) return viewer;
  }
  return event.requestContext.http.sourceIp;
};

/** What the logs keep of an address: its /24 (IPv4) or /48 (IPv6) network, enough to see a burst from one place. */
export const addressPrefix = (ip: string): string | null => {
  if (!ipaddr.isValid(ip)) return null;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return `${(parsed as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 3).map((p) => p.toString(16));
  return `${parts.join(':')}::/48`;
};
