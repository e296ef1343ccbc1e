// The management endpoint's internet address for the tunnel's WAN probe.
import { describe, expect, it } from 'vitest';
import { managementOverInternet } from '../../../../src/ipsec/profile/managementEndpoint.ts';

const TUNNEL = ['10.77.12.0/26', '100.64.0.0/10', '100.102.0.0/15'];
const resolver = (answers: Record<string, string[]>) => ({
  resolve4: async (name: string) => {
    const found = answers[name];
    if (!found) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  },
});

describe('managementOverInternet', () => {
  it('takes an IP literal as it stands, with the URL\'s port or 443', async () => {
    expect(await managementOverInternet('https://203.0.113.80/ddi', resolver({}), TUNNEL)).toEqual({ address: '203.0.113.80', port: 443 });
    expect(await managementOverInternet('https://203.0.113.80:8443/', resolver({}), TUNNEL)).toEqual({ address: '203.0.113.80', port: 8443 });
  });

  it('resolves a name and takes the first address outside the tunnel', async () => {
    const answers = { 'mgmt.example': ['100.102.200.5', '198.51.100.77'] };
    expect(await managementOverInternet('https://mgmt.example', resolver(answers), TUNNEL)).toEqual({ address: '198.51.100.77', port: 443 });
  });

  it('has none where every address is routed into the tunnel', async () => {
    expect(await managementOverInternet('https://100.102.200.5', resolver({}), TUNNEL)).toBeUndefined();
    expect(await managementOverInternet('https://mgmt.example', resolver({ 'mgmt.example': ['100.102.200.5'] }), TUNNEL)).toBeUndefined();
  });

  it('passes on a failed lookup', async () => {
    await expect(managementOverInternet('https://nowhere.example', resolver({}), TUNNEL)).rejects.toThrow(/ENOTFOUND/);
  });
});
