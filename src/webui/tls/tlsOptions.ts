// TLS as BSI TR-02102-2 asks: TLS 1.2 and 1.3 only; in TLS 1.2 only ECDHE key exchange with
// AES-GCM (forward secrecy, AEAD, no CBC); in TLS 1.3 the AES-GCM suites; the curves P-256 and
// P-384. The server's order decides.
import type { SecureContextOptions, TlsOptions } from 'node:tls';

export const TLS_CIPHERS = [
  // TLS 1.3
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  // TLS 1.2
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
] as const;

export function tlsOptions(key: string, cert: string): TlsOptions & SecureContextOptions {
  return {
    key,
    cert,
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS.join(':'),
    honorCipherOrder: true,
    ecdhCurve: 'P-256:P-384',
  };
}
