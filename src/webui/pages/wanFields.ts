// The WAN port's settings as form fields, shared by the network page and the wizard's WAN step:
// DHCP or a fixed address, its gateway and the DNS servers. Each form posts under its own field
// names and words the fields its own way; the markup, the limits and how a refused field is
// marked are the same in both.
import type { VNode } from 'preact';
import { html } from './html.ts';

export type WanField = 'address' | 'gateway' | 'resolvers';

/** The longest value a field takes: an address with its prefix length, an address, a list of up to three. */
const MAX_LENGTH: Record<WanField, number> = { address: 18, gateway: 15, resolvers: 200 };

export interface WanFieldsProps {
  /** The names the form posts the mode and the three values under. */
  names: Readonly<Record<'mode' | WanField, string>>;
  values: Readonly<{ mode: 'dhcp' | 'static' } & Record<WanField, string>>;
  texts: Readonly<{ mode: string; dhcp: string; static: string } & Record<WanField, { label: string; hint: string }>>;
  /** The config paths the agent refused (`wan.address`, ...): their fields are marked invalid. */
  refused?: readonly string[];
}

export function WanFields({ names, values, texts, refused = [] }: WanFieldsProps): VNode {
  const field = (name: WanField) => {
    const id = `wan-${name}`;
    // Only the gateway is a bare address: the address carries "/24", the list commas, which a
    // phone's number pad cannot type.
    return html`<label for=${id}>${texts[name].label}</label>
      <input id=${id} name=${names[name]} value=${values[name]} maxlength=${String(MAX_LENGTH[name])} inputmode=${name === 'gateway' ? 'decimal' : undefined} aria-invalid=${refused.includes(`wan.${name}`) ? 'true' : undefined} aria-describedby=${`${id}-hint`} />
      <small id=${`${id}-hint`}>${texts[name].hint}</small>`;
  };
  return html`<fieldset>
      <legend>${texts.mode}</legend>
      <label><input type="radio" name=${names.mode} value="dhcp" checked=${values.mode === 'dhcp'} /> ${texts.dhcp}</label>
      <label><input type="radio" name=${names.mode} value="static" checked=${values.mode === 'static'} /> ${texts.static}</label>
    </fieldset>
    ${field('address')} ${field('gateway')} ${field('resolvers')}`;
}
