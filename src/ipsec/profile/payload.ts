// The signed payload of format versions 1 and 2 (docs/profile.md "Payload"), checked field by
// field before any cryptography runs. Version 2 adds remote management's own identity and CAs
// under `management`. Identities and CA certificates are only checked for shape here;
// identity.ts parses and cross-checks them.
import {
  TI_PREFIX_MIN_LENGTH, TI_SEGMENT_LENGTHS, parseInterfaceAddress, parseIpv4, parsePrefix, prefixContains, prefixCovers, prefixesOverlap, type Ipv4Prefix,
} from '../../core/index.ts';
import { ipv4OfLiteral, isHostname, isIpLiteral } from './addresses.ts';
import { invalidField } from './errors.ts';
import { decodeBase64, readList, readMatching, readObject, readString, whichOf } from './fields.ts';
import type { GatewaySource, ProfileSettings, Proposals } from './types.ts';

export const DEFAULT_PROPOSALS: Proposals = { ike: ['aes256gcm16-prfsha384-ecp384'], esp: ['aes256gcm16-ecp384'] };

export type RawIdentity = { kind: 'pem'; certificate: string; privateKey: string } | { kind: 'pkcs12'; der: Buffer };

export interface Payload {
  settings: ProfileSettings;
  identity: RawIdentity;
  caCertificates: string[];
  /** Version 2: the client identity (PEM) and CAs of remote management. */
  management: { identity: { certificate: string; privateKey: string }; caCertificates: string[] } | undefined;
}

const PEM_MAX = 16_384;
const PKCS12_MAX = 65_536;
const CERTIFICATE_PEM = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;
const KEY_PEM = /^-----BEGIN (EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (EC )?PRIVATE KEY-----\r?\n?$/;
// strongSwan proposal keywords joined by '-', e.g. aes256gcm16-prfsha384-ecp384.
const PROPOSAL = /^[a-z0-9]+(-[a-z0-9]+){1,7}$/;
// Algorithms no TI profile may ask for (BSI TR-02102-3); refused rather than negotiated.
const WEAK = new Set(['null', 'md5', 'sha1', 'des', '3des', 'modp768', 'modp1024', 'modp1536']);

export function validatePayload(value: unknown, version: 1 | 2 = 1): Payload {
  const p = readObject(
    value,
    '',
    ['version', 'boxId', 'identity', 'caCertificates', 'gateways', 'gatewayIds', 'tiSegment', 'tiPrefixes', 'connector', 'tiDns', 'management'],
    ['proposals'],
  );
  if (p.version !== version) throw invalidField('version', `must be ${version}, the version named by the envelope`);
  const { text: tiSegmentText, prefix: tiSegment } = readPrefix(p.tiSegment, 'tiSegment');
  if (tiSegment.length < TI_SEGMENT_LENGTHS.min || tiSegment.length > TI_SEGMENT_LENGTHS.max) {
    throw invalidField('tiSegment', `must be a /${TI_SEGMENT_LENGTHS.min} to /${TI_SEGMENT_LENGTHS.max}`);
  }
  const tiPrefixes = readList(p.tiPrefixes, 'tiPrefixes', 64, (v, field) => {
    const read = readPrefix(v, field);
    if (read.prefix.length < TI_PREFIX_MIN_LENGTH) throw invalidField(field, `must be a /${TI_PREFIX_MIN_LENGTH} or longer, not /${read.prefix.length}`);
    if (prefixesOverlap(read.prefix, tiSegment)) throw invalidField(field, 'overlaps tiSegment');
    return read;
  });
  const insidePrefixes = (v: unknown, field: string) => readIpv4Inside(v, field, tiPrefixes.map((read) => read.prefix));
  // Addresses the tunnel carries: a gateway among them would have its own IKE/ESP packets routed
  // into the tunnel they build.
  const routedIntoTunnel = [{ text: 'tiSegment', prefix: tiSegment }, ...tiPrefixes.map((read, i) => ({ text: `tiPrefixes[${i}] ${read.text}`, prefix: read.prefix }))];
  const connector = readObject(p.connector, 'connector', ['addresses', 'probe']);
  const probe = readObject(connector.probe, 'connector.probe', ['address']);
  const tiDns = readObject(p.tiDns, 'tiDns', ['servers', 'domains']);
  const management = readObject(p.management, 'management', version === 1 ? ['url', 'prefix'] : ['url', 'prefix', 'identity', 'caCertificates']);
  const settings: ProfileSettings = {
    boxId: readMatching(p.boxId, 'boxId', isHostname, 'a DNS name'),
    gateways: readGateways(p.gateways, routedIntoTunnel),
    gatewayIds: readList(p.gatewayIds, 'gatewayIds', 16, readGatewayId),
    proposals: readProposals(p.proposals),
    tiSegment: tiSegmentText,
    tiPrefixes: tiPrefixes.map((read) => read.text),
    connector: {
      addresses: readList(connector.addresses, 'connector.addresses', 8, insidePrefixes),
      probe: { address: insidePrefixes(probe.address, 'connector.probe.address') },
    },
    tiDns: {
      servers: readList(tiDns.servers, 'tiDns.servers', 4, insidePrefixes),
      domains: readList(tiDns.domains, 'tiDns.domains', 16, (v, field) => readMatching(v, field, isHostname, 'a DNS name').toLowerCase()),
    },
    management: { url: readHttpsUrl(management.url, 'management.url'), prefix: readManagementPrefix(management.prefix, tiPrefixes.map((read) => read.prefix)) },
  };
  const readCertificates = (v: unknown, field: string) => readList(v, field, 8, (item, at) => readMatching(item, at, (t) => CERTIFICATE_PEM.test(t), 'one PEM certificate', PEM_MAX));
  return {
    settings,
    identity: readIdentity(p.identity),
    caCertificates: readCertificates(p.caCertificates, 'caCertificates'),
    management:
      version === 1
        ? undefined
        : { identity: readPemIdentity(management.identity, 'management.identity'), caCertificates: readCertificates(management.caCertificates, 'management.caCertificates') },
  };
}

function readPrefix(value: unknown, field: string): { text: string; prefix: Ipv4Prefix } {
  const text = readString(value, field, 18);
  if (!parseInterfaceAddress(text)) throw invalidField(field, `must be an IPv4 prefix like 10.77.12.0/26, not ${JSON.stringify(text)}`);
  const prefix = parsePrefix(text);
  if (!prefix) throw invalidField(field, `${text} has host bits set (not aligned to its length)`);
  if (prefix.length === 0) throw invalidField(field, 'must be a network, not /0 (every address)');
  return { text, prefix };
}

/** The datacenter's management network, reached like the TI: through the tunnel, so inside tiPrefixes. */
function readManagementPrefix(value: unknown, tiPrefixes: readonly Ipv4Prefix[]): string {
  const { text, prefix } = readPrefix(value, 'management.prefix');
  if (!tiPrefixes.some((tiPrefix) => prefixCovers(tiPrefix, prefix))) throw invalidField('management.prefix', `${text} is not inside one tiPrefixes entry`);
  return text;
}

function readIpv4Inside(value: unknown, field: string, prefixes: readonly Ipv4Prefix[]): string {
  const text = readString(value, field, 15);
  const address = parseIpv4(text);
  if (address === undefined) throw invalidField(field, `must be an IPv4 address, not ${JSON.stringify(text)}`);
  if (!prefixes.some((prefix) => prefixContains(prefix, address))) throw invalidField(field, `${text} is not inside tiPrefixes`);
  return text;
}

function readGateways(value: unknown, routedIntoTunnel: readonly { text: string; prefix: Ipv4Prefix }[]): GatewaySource {
  const gateways = readObject(value, 'gateways', [], ['addresses', 'srv']);
  if (whichOf(gateways, 'gateways', 'addresses', 'srv') === 'srv') {
    const srv = readMatching(gateways.srv, 'gateways.srv', (t) => t.startsWith('_isakmp._udp.') && isHostname(t.slice(13)), 'an SRV name _isakmp._udp.<domain>');
    return { kind: 'srv', srv: srv.toLowerCase() };
  }
  const addresses = readList(gateways.addresses, 'gateways.addresses', 8, (v, field) => {
    const text = readMatching(v, field, (t) => isIpLiteral(t) || isHostname(t), 'an IP address or a DNS name');
    const address = ipv4OfLiteral(text);
    const inside = address === undefined ? undefined : routedIntoTunnel.find((range) => prefixContains(range.prefix, address));
    if (inside) throw invalidField(field, `${text} lies inside ${inside.text}: the tunnel's own outer address must not be routed into the tunnel`);
    return text;
  });
  return { kind: 'addresses', addresses };
}

function readGatewayId(value: unknown, field: string): string {
  // FQDN, IP literal or distinguished name; a '*' would make it a pattern, which the format excludes.
  const isDn = (t: string) => t.includes('=') && !t.includes('*') && /^[\x20-\x7e]+$/.test(t);
  return readMatching(value, field, (t) => isHostname(t) || isIpLiteral(t) || isDn(t), 'a DNS name, an IP address or a distinguished name');
}

function readProposals(value: unknown): Proposals {
  if (value === undefined) return DEFAULT_PROPOSALS;
  const proposals = readObject(value, 'proposals', [], ['ike', 'esp']);
  const one = (v: unknown, field: string) => {
    const text = readMatching(v, field, (t) => PROPOSAL.test(t), 'a strongSwan proposal like aes256gcm16-prfsha384-ecp384', 128);
    const weak = text.split('-').find((token) => WEAK.has(token));
    if (weak) throw invalidField(field, `uses the weak algorithm ${weak}`);
    return text;
  };
  return {
    ike: proposals.ike === undefined ? DEFAULT_PROPOSALS.ike : readList(proposals.ike, 'proposals.ike', 8, one),
    esp: proposals.esp === undefined ? DEFAULT_PROPOSALS.esp : readList(proposals.esp, 'proposals.esp', 8, one),
  };
}

function readHttpsUrl(value: unknown, field: string): string {
  const text = readString(value, field, 2048);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidField(field, `must be an https URL, not ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (url.protocol !== 'https:') throw invalidField(field, 'must use https');
  if (url.username || url.password) throw invalidField(field, 'must not carry credentials');
  return text;
}

function readIdentity(value: unknown): RawIdentity {
  const identity = readObject(value, 'identity', [], ['certificate', 'privateKey', 'pkcs12']);
  if ('pkcs12' in identity) {
    if ('certificate' in identity || 'privateKey' in identity) {
      throw invalidField('identity', 'must have either "pkcs12" or "certificate" and "privateKey", not both');
    }
    const text = readString(identity.pkcs12, 'identity.pkcs12', Math.ceil(PKCS12_MAX / 3) * 4);
    const der = decodeBase64(text);
    if (!der) throw invalidField('identity.pkcs12', 'must be base64');
    return { kind: 'pkcs12', der };
  }
  return { kind: 'pem', ...readPemIdentity(identity, 'identity') };
}

function readPemIdentity(value: unknown, field: string): { certificate: string; privateKey: string } {
  const identity = readObject(value, field, ['certificate', 'privateKey']);
  return {
    certificate: readMatching(identity.certificate, `${field}.certificate`, (t) => CERTIFICATE_PEM.test(t), 'one PEM certificate', PEM_MAX),
    privateKey: readMatching(identity.privateKey, `${field}.privateKey`, (t) => KEY_PEM.test(t), 'one unencrypted PEM private key (PKCS#8 or SEC1)', PEM_MAX),
  };
}
