// The lab's own certificate authority, made fresh for every lab with openssl: gateways, the box,
// the connector stand-in and the terminal stand-in get ECDSA P-256 certificates (the TI uses
// ECC). Nothing here is ever trusted outside the lab.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Runner } from '../../src/core/runner.ts';

export interface IssuedCert {
  cert: string;
  key: string;
}

export interface LabPki {
  dir: string;
  ca: IssuedCert;
  /** `expired`: valid from 40 to 10 days ago, made under faketime (openssl cannot back-date). */
  issue(name: string, subjectAltNames: readonly string[], usage: 'server' | 'client' | 'both', options?: { expired?: boolean }): Promise<IssuedCert>;
}

const EXTENDED_USAGE = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' } as const;

export async function createLabPki(runner: Runner, dir: string, days = 365): Promise<LabPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') };
  await runner.run('openssl', [
    'req', '-x509', ...ec, '-keyout', ca.key, '-out', ca.cert, '-days', String(days),
    '-subj', '/O=tibox lab/CN=tibox lab CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return {
    dir,
    ca,
    async issue(name, subjectAltNames, usage, options = {}) {
      const issued = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
      const cn = subjectAltNames[0]?.replace(/^(DNS|IP):/, '') ?? name;
      const [command, prefix] = options.expired ? ['faketime', ['-f', '-40d', 'openssl']] : ['openssl', []];
      await runner.run(command, [
        ...prefix,
        'req', '-x509', ...ec, '-keyout', issued.key, '-out', issued.cert, '-days', String(options.expired ? 30 : days),
        '-CA', ca.cert, '-CAkey', ca.key,
        '-subj', `/O=tibox lab/CN=${cn}`,
        '-addext', 'basicConstraints=critical,CA:FALSE',
        '-addext', 'keyUsage=critical,digitalSignature',
        '-addext', `extendedKeyUsage=${EXTENDED_USAGE[usage]}`,
        '-addext', `subjectAltName=${subjectAltNames.join(',')}`,
      ]);
      return issued;
    },
  };
}
