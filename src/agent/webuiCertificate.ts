// The web UI's device certificate as `tibox status` shows it: the agent reads the certificate the
// web UI made (public, beside its key in the web UI's own directory) and names its SHA-256
// fingerprint, so the installer can compare it with what the browser shows. Read again only when
// the file changes; a missing or unreadable file is shown as none.
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';

/** Where the web UI keeps its certificate unless told otherwise (src/webui/options.ts, tls/). */
export const DEFAULT_WEBUI_CERTIFICATE = '/var/lib/tibox-web/tls/cert.pem';

export class WebuiCertificate {
  private readonly path: string;
  private seen: { key: string; fingerprint256: string | null } | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** `AB:CD:...`, or null while the web UI has made none (or it cannot be read). */
  fingerprint256(): string | null {
    let key: string;
    try {
      const st = statSync(this.path);
      key = `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      this.seen = undefined;
      return null;
    }
    if (this.seen?.key === key) return this.seen.fingerprint256;
    let fingerprint256: string | null;
    try {
      fingerprint256 = new X509Certificate(readFileSync(this.path)).fingerprint256;
    } catch {
      fingerprint256 = null;
    }
    this.seen = { key, fingerprint256 };
    return fingerprint256;
  }
}
