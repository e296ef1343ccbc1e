// The profile's named actions on the control API. 'profile.import' validates the whole file
// first and writes only a profile that passed every check; 'profile.show' reads the current
// one. Both answer with a summary, never key material.
import { TiboxError, type ControlActions } from '../../core/index.ts';
import { importProfile, type ImportOptions } from './importProfile.ts';
import { decodeBase64 } from './fields.ts';
import type { ProfileStore } from './store.ts';
import { summarize, type ProfileSummary, type VpnProfile } from './types.ts';

export interface ProfileActionsDeps {
  store: Pick<ProfileStore, 'load' | 'save'>;
  /** The pinned profile-signing key (firmware) or the lab's. */
  trustAnchor: ImportOptions['trustAnchor'];
  now: () => Date;
  /** Upper bound of a profile file; default 256 KiB. */
  maxBytes?: number;
  /** Told after a new profile is stored, with who imported it, e.g. to audit it and reconfigure the tunnel. */
  onImported?: (profile: VpnProfile, actor: string) => void;
}

export function registerProfileActions(actions: ControlActions, deps: ProfileActionsDeps): void {
  actions.register('profile.import', async (args, { actor }): Promise<ProfileSummary> => {
    const { profile, password } = importArgs(args);
    const imported = importProfile(profile, { password, trustAnchor: deps.trustAnchor, now: deps.now(), maxBytes: deps.maxBytes });
    await deps.store.save(imported);
    deps.onImported?.(imported, actor);
    return summarize(imported);
  });
  actions.register('profile.show', async (): Promise<ProfileSummary | null> => {
    const current = await deps.store.load();
    return current ? summarize(current) : null;
  });
}

function importArgs(args: unknown): { profile: Buffer; password: string | undefined } {
  if (typeof args !== 'object' || args === null) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'arguments must be an object' });
  const { profile, password, ...rest } = args as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument "${extra}"` });
  const bytes = typeof profile === 'string' ? decodeBase64(profile) : undefined;
  if (!bytes) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: '"profile" must be the base64 of the profile file' });
  if (password !== undefined && typeof password !== 'string') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: '"password" must be a string' });
  return { profile: bytes, password };
}
