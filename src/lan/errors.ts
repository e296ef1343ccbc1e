// The errors the LAN subsystem throws to a caller: its codes are the TIBOX_LAN_* entries of the
// agent's error catalogue, so a refusal reaches the control API, the CLI and the web UI with a
// stable code and a message that names the setting or the collision and what to change.
import { TiboxError, type ErrorArgs, type ErrorCode } from '../core/index.ts';

export type LanErrorCode = Extract<ErrorCode, `TIBOX_LAN_${string}`>;

type LanErrorArgs = Extract<ErrorArgs, [LanErrorCode, ...unknown[]]>;

export class LanError extends TiboxError {
  declare readonly code: LanErrorCode;

  constructor(...args: LanErrorArgs) {
    super(...args);
    this.name = 'LanError';
  }
}

/** Refuses one LAN setting; `field` names it as the config or the profile does, e.g. `interfaces.terminals[1]`. */
export function invalidSetting(field: string, reason: string): LanError {
  return new LanError('TIBOX_LAN_INVALID', { field, reason }, { field });
}
