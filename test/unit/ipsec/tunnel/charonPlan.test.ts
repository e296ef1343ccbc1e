import { describe, expect, it } from 'vitest';
import { bootConnectionName, connectionName, gatewayIndexOf, isBootConnection, planCharon } from '../../../../src/ipsec/tunnel/charonPlan.ts';
import { PROFILE } from './profile.ts';

describe('planCharon', () => {
  const plan = planCharon(PROFILE);

  it('plans one connection per gateway, each with only its own gateway as remote address', () => {
    expect(plan.connections.map((c) => `${c.name} ${String(c.config.remote_addrs)}`)).toEqual([
      'tibox-gw0 198.51.100.10',
      'tibox-gw1 192.0.2.10',
    ]);
  });

  it('leaves liveness to the controller: no DPD, one keying try, no automatic actions on the child', () => {
    for (const { config } of plan.connections) {
      expect(config).toMatchObject({ version: 2, dpd_delay: 0, keyingtries: 1, local_addrs: ['%any'] });
      expect(config.children).toEqual({
        ti: {
          local_ts: ['10.77.12.0/26'],
          remote_ts: ['100.64.0.0/10', '100.102.0.0/15'],
          esp_proposals: ['aes256gcm16-ecp384'],
          mode: 'tunnel',
          start_action: 'none',
          dpd_action: 'none',
          close_action: 'none',
        },
      });
    }
  });

  it('authenticates with the box certificate and expects the single gateway identity', () => {
    expect(plan.connections[0]?.config.local).toEqual({ auth: 'pubkey', certs: ['BOX-CERT'], id: 'box-0042.tibox.example' });
    expect(plan.connections[0]?.config.remote).toEqual({ auth: 'pubkey', id: 'gw.dc.example', cacerts: ['CA-ROOT', 'CA-SUB'] });
    const many = planCharon({ ...PROFILE, gatewayIds: ['a.dc.example', 'b.dc.example'] });
    expect(many.connections[1]?.config.remote).toMatchObject({ id: '%any' });
  });

  it('loads the key and the box certificate plain, the CA certificates with the CA flag', () => {
    expect(plan.key).toEqual({ type: 'any', data: 'BOX-KEY' });
    expect(plan.certificates.map((c) => `${c.flag} ${c.data}`)).toEqual(['NONE BOX-CERT', 'CA CA-ROOT', 'CA CA-SUB']);
  });
});

describe('gatewayIndexOf', () => {
  it.each([
    ['tibox-gw0', 0],
    ['tibox-gw1', 1],
    ['tibox-gw12', 12],
    ['tibox-gw1-boot', 1],
    ['tibox-gw-boot', undefined],
    ['tibox-gw01-boot', undefined],
    ['tibox-gw1-boot-boot', undefined],
    ['tibox-gw1-bootx', undefined],
    ['tibox-gw', undefined],
    ['tibox-gw-1', undefined],
    ['tibox-gw1.5', undefined],
    ['tibox-gwx', undefined],
    ['tibox-gw01', undefined],
    ['tibox-gw0x1', undefined],
    ['tibox-gw1e1', undefined],
    ['tibox-gw 1', undefined],
    ['other-gw0', undefined],
    ['dc-site', undefined],
  ])('%s → %s', (name, index) => {
    expect(gatewayIndexOf(name)).toBe(index);
  });

  it('reads back what connectionName and bootConnectionName write', () => {
    for (const i of [0, 1, 7, 42]) expect(gatewayIndexOf(connectionName(i))).toBe(i);
    for (const i of [0, 1, 7, 42]) expect(gatewayIndexOf(bootConnectionName(i))).toBe(i);
  });

  it('tells the connection the service starts at boot from the agent\'s', () => {
    expect(bootConnectionName(1)).toBe('tibox-gw1-boot');
    expect([isBootConnection('tibox-gw1-boot'), isBootConnection('tibox-gw1'), isBootConnection('other-boot')]).toEqual([true, false, false]);
  });
});
