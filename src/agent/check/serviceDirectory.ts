// Reads a connector's service directory (connector.sds, gemSpec_Kon: the XML document
// `ConnectorServices` of the namespace http://ws.gematik.de/conn/ServiceDirectory/v3.x), pure.
// The check needs no more than whether it is one: its root element, the product it names and
// the services it lists. Throws an Error in words when the text is no service directory.

export interface ServiceDirectory {
  readonly productName?: string;
  /** The Name attribute of each Service element, in document order. */
  readonly services: readonly string[];
}

const NAMESPACE = /^http:\/\/ws\.gematik\.de\/conn\/ServiceDirectory\/v\d+(\.\d+)*$/;

export function readServiceDirectory(text: string): ServiceDirectory {
  // The prolog: an XML declaration, comments and blanks.
  const body = text.replace(/^\uFEFF?(\s*(<\?xml[^>]*\?>|<!--[\s\S]*?-->))*\s*/, '');
  const root = /^<(?:([\w.-]+):)?ConnectorServices\b([^>]*)>/.exec(body);
  if (!root) throw new Error(`the root element is not ConnectorServices: ${JSON.stringify(body.slice(0, 40))}`);
  const prefix = root[1];
  const namespaces = [...(root[2] ?? '').matchAll(/xmlns(?::([\w.-]+))?\s*=\s*"([^"]*)"/g)];
  const own = namespaces.find((n) => n[1] === prefix)?.[2];
  if (own === undefined || !NAMESPACE.test(own)) throw new Error(`ConnectorServices is not in the service directory's namespace (${own ?? 'none'})`);
  const close = prefix ? `</${prefix}:ConnectorServices>` : '</ConnectorServices>';
  if (!body.trimEnd().endsWith(close)) throw new Error('the document is cut short: ConnectorServices is not closed');
  const product = /<(?:[\w.-]+:)?ProductName>([^<]*)<\//.exec(body)?.[1]?.trim();
  const services = [...body.matchAll(/<(?:[\w.-]+:)?Service\b[^>]*\bName\s*=\s*"([^"]*)"/g)].map((m) => m[1] as string);
  return { ...(product ? { productName: product } : {}), services };
}
