// The one error the registry throws. Its codes are the TIBOX_DEVICE_* entries of the agent's
// error catalogue, so a refusal reaches the control API, the CLI and the web UI with a stable
// code, an HTTP status and a message that names the field and what to enter instead.
import { TiboxError, type ErrorArgs, type ErrorCode } from '../../core/index.ts';

export type DeviceErrorCode = Extract<ErrorCode, `TIBOX_DEVICE_${string}`>;

type DeviceErrorArgs = Extract<ErrorArgs, [DeviceErrorCode, ...unknown[]]>;

export class DeviceError extends TiboxError {
  declare readonly code: DeviceErrorCode;

  constructor(...args: DeviceErrorArgs) {
    super(...args);
    this.name = 'DeviceError';
  }
}

export function invalidField(field: string, reason: string): DeviceError {
  return new DeviceError('TIBOX_DEVICE_INVALID_FIELD', { field, reason }, { field });
}
