// The wizard's profile step: the profile the box holds, and the form that imports it (or replaces
// it). A refusal names the agent's error; one for an address collision lists each collision with
// its fix.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { ProfileView } from '../../status/profileView.ts';
import type { PlanFindingView } from '../../wizard/views.ts';
import { html } from '../html.ts';
import { FindingList } from './findingList.ts';

export interface ProfileStepProps {
  language: Language;
  csrf: string;
  profile: ProfileView | null;
  maxKiB: number;
  /** The collisions a refused import brought. */
  collisions?: readonly PlanFindingView[] | undefined;
}

export function ProfileStep({ language, csrf, profile, maxKiB, collisions }: ProfileStepProps): VNode {
  const all = messagesFor(language);
  const m = all.wizard.profile;
  const p = all.profile;
  return html`<p>${m.explain}</p>
    ${profile ? html`<p class="success" data-field="profile">${m.present(profile.boxId, profile.tiSegment)}</p>` : null}
    ${collisions && collisions.length > 0 ? html`<div role="alert"><p class="error">${m.collisions}</p>${FindingList(language, collisions)}</div>` : null}
    <form method="post" action="/wizard/profile" enctype="multipart/form-data" class="stacked">
      <input type="hidden" name="_csrf" value=${csrf} />
      <p>${p.importExplain(maxKiB)}</p>
      <label for="profile-file">${profile ? m.replace : p.file}</label>
      <input id="profile-file" name="profile" type="file" required />
      <label for="profile-password">${p.password}</label>
      <input id="profile-password" name="password" type="password" autocomplete="off" maxlength="256" aria-describedby="profile-password-hint" />
      <small id="profile-password-hint">${p.passwordHint}</small>
      <button type="submit">${p.submit}</button>
    </form>`;
}
