// The errors of the DDI client, each with a stable code so callers (the poll loop, feedback to
// the server, `tibox update status`) branch on `code`, never on message text.

export type DdiErrorCode =
  | 'DDI_MALFORMED'
  | 'DDI_TOO_LARGE'
  | 'DDI_HTTP'
  | 'DDI_CONNECTION'
  | 'DDI_TIMEOUT'
  | 'DDI_ABORTED'
  | 'DDI_TRUNCATED'
  | 'DDI_HASH_MISMATCH';

export class DdiError extends Error {
  readonly code: DdiErrorCode;

  constructor(code: DdiErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A body that does not follow the DDI model; `path` names the field (`deployment.chunks[0].part`). */
export class DdiMalformedError extends DdiError {
  readonly resource: string;
  readonly path: string;

  constructor(resource: string, path: string, reason: string) {
    super('DDI_MALFORMED', `ddi ${resource}: ${path === '' ? '' : `${path}: `}${reason}`);
    this.resource = resource;
    this.path = path;
  }
}

/** A body larger than the limit for its resource, refused before it is parsed. */
export class DdiTooLargeError extends DdiError {
  constructor(resource: string, size: number, limit: number) {
    super('DDI_TOO_LARGE', `ddi ${resource}: the body has ${size} bytes, more than the limit of ${limit}`);
  }
}

/** The server answered with a status the request did not succeed with. */
export class DdiHttpError extends DdiError {
  readonly status: number;
  /** From a Retry-After header, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(what: string, status: number, retryAfterMs: number | undefined, detail: string) {
    super('DDI_HTTP', `ddi ${what}: the server answered ${status}${detail === '' ? '' : ` (${detail})`}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** No answer: the server could not be reached, TLS failed (a foreign certificate), or the line broke. */
export class DdiConnectionError extends DdiError {
  constructor(what: string, cause: unknown) {
    super('DDI_CONNECTION', `ddi ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class DdiTimeoutError extends DdiError {
  constructor(what: string, ms: number) {
    super('DDI_TIMEOUT', `ddi ${what}: no answer within ${ms} ms`);
  }
}

export class DdiAbortedError extends DdiError {
  constructor(what: string, reason: unknown) {
    super('DDI_ABORTED', `ddi ${what}: aborted`, { cause: reason });
  }
}

/** A download that ended before the artifact's size; what came is kept to resume from. */
export class DdiTruncatedError extends DdiError {
  constructor(filename: string, have: number, size: number, cause?: unknown) {
    super('DDI_TRUNCATED', `ddi download of ${filename}: ended after ${have} of ${size} bytes`, cause === undefined ? undefined : { cause });
  }
}

export class DdiHashMismatchError extends DdiError {
  constructor(filename: string, expected: string, actual: string) {
    super('DDI_HASH_MISMATCH', `ddi download of ${filename}: sha256 ${actual} is not the ${expected} the server announced; the file was discarded`);
  }
}
