// The errors of the DDI client, each with a stable code so callers (the poll loop, feedback to
// the server, `tibox update status`) branch on `code`, never on message text.

export type DdiErrorCode = 'DDI_MALFORMED' | 'DDI_TOO_LARGE';

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
