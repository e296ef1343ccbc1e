// The web UI's account and its password, checked and kept by the agent (the web UI never opens
// the database): one account, `admin`. Until its password is changed the box's initial password
// from the provisioning file is the password, and every login with it must change it at once
// (BSI TR-03148). A change needs the old password; the new one is kept as a scrypt hash, audited
// without it.
import { WEBUI_ADMIN, type WebuiLoginResult } from '../control/protocol.ts';
import { TiboxError, type ControlActions } from '../core/index.ts';
import { hashPassword, passwordProblem, verifyPassword } from './provisioning/password.ts';
import type { WebuiAccountStore } from './store/index.ts';

export interface WebuiAccountsDeps {
  /** The accounts' store while the database is open. */
  store: () => WebuiAccountStore | undefined;
  /** Whether a password is the box's initial one (the provisioning service's check). */
  isInitialPassword: (password: string) => Promise<boolean>;
  audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
  now: () => Date;
}

export class WebuiAccounts {
  private readonly deps: WebuiAccountsDeps;

  constructor(deps: WebuiAccountsDeps) {
    this.deps = deps;
  }

  /** A login attempt from `source`, recorded in the login log whichever way it goes. */
  async attempt(user: string, password: string, source: string): Promise<WebuiLoginResult> {
    const result = await this.login(user, password);
    const store = this.deps.store();
    if (!store) return result;
    const seen = store.recordLogin({ at: this.deps.now().toISOString(), user: user.slice(0, 32), source: source.slice(0, 64), ok: result.ok });
    return result.ok ? { ...result, failedSince: seen.failedSince, previousLogin: seen.previousLogin } : result;
  }

  async login(user: string, password: string): Promise<WebuiLoginResult> {
    if (user !== WEBUI_ADMIN) return { ok: false, mustChange: false, passwordChangedAt: null };
    const account = this.deps.store()?.get(user);
    if (account) return { ok: await verifyPassword(account.password, password), mustChange: false, passwordChangedAt: account.changedAt };
    const ok = await this.deps.isInitialPassword(password).catch((error: unknown) => {
      // No provisioning data: no initial password is right.
      if (error instanceof TiboxError && error.code === 'TIBOX_NOT_PROVISIONED') return false;
      throw error;
    });
    return { ok, mustChange: ok, passwordChangedAt: null };
  }

  /** Throws TIBOX_WEBUI_WRONG_PASSWORD or TIBOX_WEBUI_PASSWORD_REFUSED, and changes nothing then. */
  async changePassword(user: string, oldPassword: string, newPassword: string, actor: string): Promise<{ passwordChangedAt: string }> {
    if (!(await this.login(user, oldPassword)).ok) throw new TiboxError('TIBOX_WEBUI_WRONG_PASSWORD', {});
    const problem = passwordProblem(newPassword) ?? (newPassword === oldPassword ? 'must differ from the current one' : undefined);
    if (problem) throw new TiboxError('TIBOX_WEBUI_PASSWORD_REFUSED', { reason: problem });
    const store = this.deps.store();
    if (!store) throw new TiboxError('TIBOX_STORE_WRITE_FAILED', { reason: 'the database is not open' });
    const changedAt = this.deps.now().toISOString();
    try {
      store.set({ name: user, password: await hashPassword(newPassword), changedAt });
    } catch (error) {
      throw new TiboxError('TIBOX_STORE_WRITE_FAILED', { reason: error instanceof Error ? error.message : String(error) });
    }
    this.deps.audit(actor, 'webui.changePassword', { user });
    return { passwordChangedAt: changedAt };
  }

  registerActions(actions: ControlActions): void {
    actions.register('webui.login', (args) => {
      const { user, password, source } = strings(args, ['user', 'password', 'source']);
      return this.attempt(user, password, source);
    });
    actions.register('webui.changePassword', (args, { actor }) => {
      const { user, oldPassword, newPassword } = strings(args, ['user', 'oldPassword', 'newPassword']);
      return this.changePassword(user, oldPassword, newPassword, actor);
    });
  }
}

function strings<K extends string>(args: unknown, keys: readonly K[]): Record<K, string> {
  if (typeof args !== 'object' || args === null) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'arguments must be an object' });
  const record = args as Record<string, unknown>;
  const extra = Object.keys(record).find((key) => !(keys as readonly string[]).includes(key));
  if (extra !== undefined) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument "${extra}"` });
  for (const key of keys) {
    if (typeof record[key] !== 'string') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `"${key}" must be a string` });
  }
  return record as Record<K, string>;
}
