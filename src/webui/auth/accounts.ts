// The web UI's view of its account: the agent checks and keeps the password (webui.login,
// webui.changePassword); this is what the pages ask of it.
import type { WebuiLoginResult } from '../../control/protocol.ts';

export interface Accounts {
  /** `source`: the client's address, for the login log. */
  login(user: string, password: string, source: string): Promise<WebuiLoginResult>;
  /** Rejects with the agent's error (a ControlApiError with its code) when refused. */
  changePassword(user: string, oldPassword: string, newPassword: string): Promise<{ passwordChangedAt: string }>;
}
