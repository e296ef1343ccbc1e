// HAL links (`"_links": { "name": { "href": "..." } }`) as the DDI resources carry them. Only
// https links are taken: the box talks to the management server over mutual TLS alone, and a
// plain http link (hawkBit also offers `download-http`) would leave that behind.
import { MAX_URL_CHARS, type Reader } from './json.ts';

/** The href of link `name` under `_links`, or undefined when the link is absent. */
export function optionalLink(reader: Reader, name: string): string | undefined {
  const links = reader.optionalObject('_links');
  const link = links?.optionalObject(name);
  if (!links || !link) return undefined;
  const href = link.text('href', { max: MAX_URL_CHARS });
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw reader.fail(`${link.path}.href`, `is not a URL: ${JSON.stringify(href.slice(0, 80))}`);
  }
  if (url.protocol !== 'https:') throw reader.fail(`${link.path}.href`, `must be an https URL, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw reader.fail(`${link.path}.href`, 'must not carry a user name or password');
  return url.href;
}

export function link(reader: Reader, name: string): string {
  const href = optionalLink(reader, name);
  if (href === undefined) throw reader.fail(reader.path === '' ? `_links.${name}` : `${reader.path}._links.${name}`, 'is missing');
  return href;
}
