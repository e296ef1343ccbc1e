// What ESP adds to every packet that crosses the tunnel, from the transform the CHILD_SA
// negotiated (RFC 4303, 3948): the outer IP header, the UDP header of NAT-T, SPI and sequence
// number, the IV, the padding to the cipher's alignment with its two trailer bytes, and the ICV.
// The tunnel's MTU is the largest inner packet whose ESP packet still fits the path.

export type AddressFamily = 4 | 6;

/** The CHILD_SA's transform as charon's list-sas names it (`encr-alg`, `encr-keysize`, `integ-alg`, `encap`). */
export interface EspTransform {
  readonly encryption: string;
  readonly keySize?: number;
  /** None for AEAD ciphers (GCM, CCM, ChaCha20-Poly1305), which carry their own ICV. */
  readonly integrity?: string;
  /** ESP in UDP (NAT-T): 8 bytes more. kernel-libipsec always encapsulates. */
  readonly udpEncapsulated: boolean;
}

export interface EspOverhead {
  /** Bytes added whatever the packet's size: outer IP, UDP, SPI and sequence, IV, ICV. */
  readonly fixed: number;
  /** The encrypted part (payload and trailer) is padded to a multiple of this. */
  readonly align: number;
  /** Whether the transform is one we know; otherwise the largest overhead of any is assumed. */
  readonly known: boolean;
}

interface Cipher {
  readonly iv: number;
  readonly align: number;
  /** The AEAD's own ICV; none: an integrity algorithm adds it. */
  readonly icv?: number;
}

/** ESP aligns to 4 bytes at least (RFC 4303 §2.4), stream and AEAD ciphers to no more. */
const CIPHERS: Readonly<Record<string, Cipher>> = {
  AES_CBC: { iv: 16, align: 16 },
  CAMELLIA_CBC: { iv: 16, align: 16 },
  '3DES': { iv: 8, align: 8 },
  AES_CTR: { iv: 8, align: 4 },
  AES_GCM_8: { iv: 8, align: 4, icv: 8 },
  AES_GCM_12: { iv: 8, align: 4, icv: 12 },
  AES_GCM_16: { iv: 8, align: 4, icv: 16 },
  AES_CCM_8: { iv: 8, align: 4, icv: 8 },
  AES_CCM_12: { iv: 8, align: 4, icv: 12 },
  AES_CCM_16: { iv: 8, align: 4, icv: 16 },
  CHACHA20_POLY1305: { iv: 8, align: 4, icv: 16 },
  NULL: { iv: 0, align: 4 },
};

/** Truncated ICV lengths of the integrity algorithms. */
const INTEGRITY: Readonly<Record<string, number>> = {
  HMAC_MD5_96: 12,
  HMAC_SHA1_96: 12,
  AES_XCBC_96: 12,
  AES_CMAC_96: 12,
  HMAC_SHA2_256_128: 16,
  HMAC_SHA2_384_192: 24,
  HMAC_SHA2_512_256: 32,
};

/** Of any transform above: a path MTU computed from it fits every one. */
const WORST = { iv: 16, align: 16, icv: 32 } as const;

const IP_HEADER: Record<AddressFamily, number> = { 4: 20, 6: 40 };
const UDP_HEADER = 8;
const SPI_AND_SEQUENCE = 8;
/** Pad length and next header. */
const TRAILER = 2;
/**
 * kernel-libipsec pads by at least one byte even where the payload is aligned already: one byte
 * reserved, so the inner MTU fits both it and the kernel's ESP.
 */
const PAD_AT_LEAST = 1;

export function espOverhead(transform: EspTransform | undefined, family: AddressFamily): EspOverhead {
  const cipher = transform ? CIPHERS[transform.encryption] : undefined;
  const integrity = transform && cipher?.icv === undefined ? (transform.integrity === undefined ? undefined : INTEGRITY[transform.integrity]) : 0;
  const known = cipher !== undefined && integrity !== undefined;
  const iv = known ? cipher.iv : WORST.iv;
  const icv = known ? (cipher.icv ?? integrity) : WORST.icv;
  const align = known ? cipher.align : WORST.align;
  // Unknown: NAT-T assumed, it may be there.
  const udp = transform?.udpEncapsulated !== false || !known ? UDP_HEADER : 0;
  return { fixed: IP_HEADER[family] + udp + SPI_AND_SEQUENCE + iv + (icv ?? 0), align, known };
}

/** The largest inner packet whose ESP packet fits a path of `pathMtu` bytes. */
export function tunnelMtuFor(pathMtu: number, overhead: EspOverhead): number {
  const encrypted = Math.floor((pathMtu - overhead.fixed) / overhead.align) * overhead.align;
  return encrypted - TRAILER - PAD_AT_LEAST;
}
