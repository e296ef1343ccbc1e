// The web UI's view of its account: the agent checks and keeps the password (webui.login,
// webui.changePassword); this is what the pages ask of it.
export interface LoginResult {
  ok: boolean;
  /** Still the box's initial password: the user must change it before anything else. */
  mustChange: boolean;
  passwordChangedAt: string | null;
  /** For a successful login: failed attempts for the user since its previous login, and when that was. */
  failedSince?: number;
  previousLogin?: string | null;
}

export interface Accounts {
  /** `source`: the client's address, for the login log. */
  login(user: string, password: string, source: string): Promise<LoginResult>;
  /** Rejects with the agent's error (a ControlApiError with its code) when refused. */
  changePassword(user: string, oldPassword: string, newPassword: string): Promise<{ passwordChangedAt: string }>;
}

/** The web UI's one account. */
export const ADMIN = 'admin';
