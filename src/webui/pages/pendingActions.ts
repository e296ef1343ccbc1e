// The two buttons of a network change awaiting confirmation, on the network page and in the
// wizard's WAN step: keep it (naming the revision shown, so a newer change is never confirmed
// unseen) or return to the previous settings. Forms, so they work without JavaScript.
import type { VNode } from 'preact';
import { html } from './html.ts';

export interface PendingActionsProps {
  /** Where the page posts them: `<base>/confirm` and `<base>/rollback`. */
  base: string;
  csrf: string;
  /** The revision the page shows as pending. */
  revision: number;
  texts: { confirm: string; rollback: string };
}

export function PendingActions({ base, csrf, revision, texts }: PendingActionsProps): VNode {
  return html`<div class="actions">
    <form method="post" action=${`${base}/confirm`}>
      <input type="hidden" name="_csrf" value=${csrf} />
      <input type="hidden" name="revision" value=${String(revision)} />
      <button type="submit">${texts.confirm}</button>
    </form>
    <form method="post" action=${`${base}/rollback`}>
      <input type="hidden" name="_csrf" value=${csrf} />
      <button type="submit">${texts.rollback}</button>
    </form>
  </div>`;
}
