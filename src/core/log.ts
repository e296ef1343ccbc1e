// Structured logging (pino). One root logger per agent; each subsystem gets a child that tags
// its lines with `subsystem`. Secrets are redacted by key at the top level and up to two levels
// down, so a careless `log.info({ profile })` cannot leak a key or a password; deeper objects
// must not be logged whole.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line, at the top level and one or two levels down.
 * privateKeyPem/privateKeyDer: the box key by the names its PEM or DER form gets (TunnelProfile).
 */
export const SECRET_KEYS = ['password', 'passphrase', 'privateKey', 'privateKeyPem', 'privateKeyDer', 'key', 'pkcs12', 'secret', 'token', 'psk'] as const;

const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LogOptions {
  /** TIBOX_LOG_LEVEL's or info when absent; the agent sets its config's level once the config is loaded. */
  level?: string;
  /** Where lines go; stdout when absent. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.TIBOX_LOG_LEVEL ?? 'info',
      base: { service: 'tibox' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}

export function subsystemLogger(root: Logger, subsystem: string): Logger {
  return root.child({ subsystem });
}
