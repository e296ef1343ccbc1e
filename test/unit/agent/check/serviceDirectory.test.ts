// Reading a connector's service directory: the lab's, one as a real connector writes it (with a
// prefix), and what is none.
import { expect, it } from 'vitest';
import { readServiceDirectory } from '../../../../src/agent/check/serviceDirectory.ts';

it('reads the product and the services', () => {
  const text = `<?xml version="1.0" encoding="UTF-8"?>
<!-- generated -->
<CS:ConnectorServices xmlns:CS="http://ws.gematik.de/conn/ServiceDirectory/v3.1" xmlns:PI="http://ws.gematik.de/int/version/ProductInformation/v1.1">
  <PI:ProductInformation><PI:ProductName> Konnektor </PI:ProductName></PI:ProductInformation>
  <CS:TLSMandatory>true</CS:TLSMandatory>
  <CS:ServiceInformation>
    <CS:Service Name="EventService"><CS:Versions/></CS:Service>
    <CS:Service Name="CardService"><CS:Versions/></CS:Service>
  </CS:ServiceInformation>
</CS:ConnectorServices>
`;
  expect(readServiceDirectory(text)).toEqual({ productName: 'Konnektor', services: ['EventService', 'CardService'] });
});

it('reads one without a prefix or services', () => {
  expect(readServiceDirectory('<ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.1"></ConnectorServices>')).toEqual({ services: [] });
});

it.each([
  ['an HTML page', '<html><body>It works</body></html>', /root element is not ConnectorServices/],
  ['another namespace', '<ConnectorServices xmlns="urn:other"></ConnectorServices>', /namespace \(urn:other\)/],
  ['no namespace', '<ConnectorServices></ConnectorServices>', /namespace \(none\)/],
  ['a cut document', '<ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.1"><ProductInformation>', /cut short/],
  ['nothing', '', /root element/],
])('refuses %s', (_name, text, message) => {
  expect(() => readServiceDirectory(text)).toThrow(message);
});
