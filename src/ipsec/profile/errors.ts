// The one error profile import throws. Its codes are the TIBOX_PROFILE_* entries of the agent's
// error catalogue, so a refusal reaches the control API, the CLI and the web UI with a stable
// code, an HTTP status and an English message that names the field or the check that failed.
import { TiboxError, type ErrorArgs, type ErrorCode } from '../../core/index.ts';

export type ProfileErrorCode = Extract<ErrorCode, `TIBOX_PROFILE_${string}`>;

type ProfileErrorArgs = Extract<ErrorArgs, [ProfileErrorCode, ...unknown[]]>;

export class ProfileError extends TiboxError {
  declare readonly code: ProfileErrorCode;

  constructor(...args: ProfileErrorArgs) {
    super(...args);
    this.name = 'ProfileError';
  }
}

/** Refuses one payload field; `field` is its path as written in docs/profile.md, e.g. `tiDns.servers[1]`. */
export function invalidField(field: string, reason: string): ProfileError {
  return new ProfileError('TIBOX_PROFILE_INVALID_FIELD', { field, reason }, { field });
}
