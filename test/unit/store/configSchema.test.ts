import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, defaultConfig, describeSchema, validateConfig } from '../../../src/agent/store/configSchema.ts';
import { planLanAddresses } from '../../../src/lan/index.ts';

describe('the tibox config schema', () => {
  it('has defaults that validate, as a deeply frozen config', () => {
    const config = defaultConfig();
    expect(config).toEqual({
      box: { name: 'tibox' },
      practice: { name: '', street: '', postalCode: '', city: '', bsnr: '', installerName: '', installerCompany: '' },
      ui: { language: 'de' },
      interfaces: { lan: 'lan0', wan: 'wan0', lanFallback: '169.254.77.1/16', terminals: ['term0'] },
      wan: { mode: 'dhcp', address: '', gateway: '', resolvers: [] },
      tunnel: { enabled: true, wanMtu: 0 },
      updates: { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 },
      log: { level: 'info' },
    });
    expect(validateConfig(config)).toEqual({ ok: true, config });
    expect(Object.isFrozen(config.interfaces.terminals)).toBe(true);
    expect(Object.isFrozen(config.box)).toBe(true);
  });

  it('fills fields a stored config lacks with their defaults', () => {
    const result = validateConfig({ box: { name: 'Praxis Dr. Muster' }, interfaces: { terminals: [] } });
    expect(result).toEqual({
      ok: true,
      config: { ...defaultConfig(), box: { name: 'Praxis Dr. Muster' }, interfaces: { lan: 'lan0', wan: 'wan0', lanFallback: '169.254.77.1/16', terminals: [] } },
    });
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    ['not an object', 'box', [{ path: '(config)', message: 'must be a group of settings, got text' }]],
    ['a group that is a list', { box: ['x'] }, [{ path: 'box', message: 'must be a group of settings, got a list' }]],
    ['a group that is null', { ui: null }, [{ path: 'ui', message: 'must be a group of settings, got nothing (null)' }]],
    ['an unknown top-level key', { vpn: {} }, [{ path: 'vpn', message: 'is not a known setting' }]],
    ['an unknown nested key', { ui: { theme: 'dark' } }, [{ path: 'ui.theme', message: 'is not a known setting' }]],
    ['a __proto__ key', JSON.parse('{"__proto__": {"x": 1}}'), [{ path: '__proto__', message: 'is not a known setting' }]],
    ['a wrong type', { log: { level: 3 } }, [{ path: 'log.level', message: 'must be one of fatal, error, warn, info, debug, trace; got a number' }]],
    ['a field given a group', { box: { name: { de: 'x' } } }, [{ path: 'box.name', message: 'must be text, got a group of settings' }]],
    ['a fallback address without its prefix length', { interfaces: { lanFallback: '192.168.1.250' } }, [
      { path: 'interfaces.lanFallback', message: 'must be an address with its prefix length, such as 169.254.77.1/16' },
    ]],
    ['a fallback that is no address', { interfaces: { lanFallback: 'box.local/24' } }, [
      { path: 'interfaces.lanFallback', message: 'must be an address with its prefix length, such as 169.254.77.1/16' },
    ]],
    ['a bad list entry', { interfaces: { terminals: ['term0', 'term 1'] } }, [
      { path: 'interfaces.terminals[1]', message: "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'" },
    ]],
  ])('refuses %s', (_name, input, errors) => {
    expect(validateConfig(input)).toEqual({ ok: false, errors });
  });

  it('reports every problem at once', () => {
    const result = validateConfig({ box: { name: '' }, ui: { language: 'fr', colour: 'red' }, interfaces: { wan: 'wan 0' } });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['box.name', 'ui.colour', 'ui.language', 'interfaces.wan']);
  });

  it('returns a copy that does not share lists with the input', () => {
    const input = { interfaces: { terminals: ['term0'] } };
    const result = validateConfig(input);
    input.interfaces.terminals.push('term1');
    expect(result.ok && result.config.interfaces.terminals).toEqual(['term0']);
  });
});

describe('the practice data', () => {
  const practice = (fields: Record<string, unknown>) => validateConfig({ practice: fields });

  it('takes a whole address, a BSNR and the installer', () => {
    const given = {
      name: 'Praxis Dr. Müller-Lüdenscheidt', street: 'Hauptstraße 12a', postalCode: '01067', city: 'Dresden', bsnr: '031234500',
      installerName: 'Jörg Schmidt', installerCompany: 'Praxis-IT Sachsen GmbH',
    };
    const result = practice(given);
    expect(result.ok && result.config.practice).toEqual(given);
  });

  it('leaves each field empty by default, the BSNR too', () => {
    expect(practice({ bsnr: '' }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a BSNR of 8 digits', { bsnr: '12345678' }, 'practice.bsnr', 'must be the 9 digits of the operating-site number (BSNR), such as 021234500, or empty'],
    ['a BSNR with a blank', { bsnr: '0212 34500' }, 'practice.bsnr', 'must be at most 9 characters long'],
    ['a BSNR as a number', { bsnr: 21234500 }, 'practice.bsnr', 'must be text, got a number'],
    ['a postal code of 4 digits', { postalCode: '1067' }, 'practice.postalCode', 'must be a German postal code of 5 digits, such as 10115, or empty'],
    ['a name with a line break', { name: 'Praxis\nMuster' }, 'practice.name', 'must contain printable characters only, with no blank at either end'],
    ['a city with a blank at the end', { city: 'Dresden ' }, 'practice.city', 'must contain printable characters only, with no blank at either end'],
    ['an installer name of 101 characters', { installerName: 'x'.repeat(101) }, 'practice.installerName', 'must be at most 100 characters long'],
    ['an unknown field', { phone: '0351 123' }, 'practice.phone', 'is not a known setting'],
  ])('refuses %s, in words', (_name, fields, path, message) => {
    expect(practice(fields)).toEqual({ ok: false, errors: [{ path, message }] });
  });
});

describe('describeSchema', () => {
  const fields = describeSchema();

  it('lists every field once, with German and English label and help ("Ort" is the shortest)', () => {
    expect(fields.map((f) => f.path)).toEqual([
      'box.name', 'practice.name', 'practice.street', 'practice.postalCode', 'practice.city', 'practice.bsnr', 'practice.installerName',
      'practice.installerCompany', 'ui.language', 'interfaces.lan', 'interfaces.wan', 'interfaces.lanFallback', 'interfaces.terminals',
      'wan.mode', 'wan.address', 'wan.gateway', 'wan.resolvers', 'tunnel.enabled', 'tunnel.wanMtu',
      'updates.openingDays', 'updates.openingFrom', 'updates.openingUntil', 'updates.closedOnHolidays', 'updates.installMinutes', 'log.level']);
    for (const f of fields) {
      for (const text of [f.label.de, f.label.en, f.help.de, f.help.en]) expect(text.length, f.path).toBeGreaterThan(2);
    }
  });

  it('carries type, default and constraints, and survives JSON', () => {
    expect(fields.find((f) => f.path === 'box.name')).toEqual({
      path: 'box.name',
      type: 'string',
      label: CONFIG_SCHEMA.box.name.label,
      help: CONFIG_SCHEMA.box.name.help,
      default: 'tibox',
      secret: false,
      constraints: { minLength: 1, maxLength: 63, pattern: '\\P{C}+', patternMessage: 'must contain printable characters only' },
    });
    expect(fields.find((f) => f.path === 'interfaces.terminals')).toMatchObject({
      type: 'list',
      default: ['term0'],
      constraints: { of: { type: 'interface' }, minItems: 0, maxItems: 8, unique: true },
    });
    expect(JSON.parse(JSON.stringify(fields))).toEqual(fields);
  });
});

describe('the planners\' rules, applied when a config is validated', () => {
  const fallback = (lanFallback: unknown) => validateConfig({ interfaces: { lanFallback } });
  const plan = (practiceFallback: string) => () => planLanAddresses({ tiSegment: null, lanPort: 'lan0', terminalPorts: [], practiceFallback });
  const refusedAs = (path: string, message: string) => ({ ok: false, errors: [{ path, message }] });

  // interfaces.lanFallback as the LAN address plan takes it: a host address of a /8 to /30 network.
  it.each(['169.254.77.1/16', '192.168.100.1/24', '10.0.0.1/8', '192.168.1.253/30', '172.16.255.254/12', '1.2.3.4/8'])('accepts the fallback %s', (value) => {
    expect(fallback(value)).toMatchObject({ ok: true, config: { interfaces: { lanFallback: value } } });
    expect(plan(value)).not.toThrow();
  });

  it.each([
    ['999.1.1.1/99', 'must be an address with its prefix length like 192.168.100.1/24, not "999.1.1.1/99"'],
    ['999.1.1.1/24', 'must be an address with its prefix length like 192.168.100.1/24, not "999.1.1.1/24"'],
    ['192.168.100.1/33', 'must be an address with its prefix length like 192.168.100.1/24, not "192.168.100.1/33"'],
    ['010.1.1.1/8', 'must be an address with its prefix length like 192.168.100.1/24, not "010.1.1.1/8"'],
    ['10.1.1.1/08', 'must be an address with its prefix length like 192.168.100.1/24, not "10.1.1.1/08"'],
    ['192.168.100.0/24', '192.168.100.0/24 is the network or broadcast address of 192.168.100.0/24; choose a host address'],
    ['192.168.100.255/24', '192.168.100.255/24 is the network or broadcast address of 192.168.100.0/24; choose a host address'],
    ['1.2.3.4/0', 'the prefix length must be /8 to /30, not /0'],
    ['1.2.3.4/7', 'the prefix length must be /8 to /30, not /7'],
    ['192.168.100.1/31', 'the prefix length must be /8 to /30, not /31'],
    ['192.168.100.1/32', 'the prefix length must be /8 to /30, not /32'],
  ])('refuses the fallback %s with the LAN plan\'s words', (value, message) => {
    expect(fallback(value)).toEqual(refusedAs('interfaces.lanFallback', message));
    expect(plan(value)).toThrow(`LAN setting interfaces.lanFallback: ${message}`);
  });

  it.each([
    ['', 'must be at least 9 characters long'],
    ['box.local/24', 'must be an address with its prefix length, such as 169.254.77.1/16'],
    ['192.168.100.1', 'must be an address with its prefix length, such as 169.254.77.1/16'],
  ])('refuses the fallback %j by its shape before the LAN plan sees it', (value, message) => {
    expect(fallback(value)).toEqual(refusedAs('interfaces.lanFallback', message));
    expect(plan(value)).toThrow(/^LAN setting interfaces.lanFallback: /);
  });

  // The ports as the LAN address plan, the firewall and dnsmasq take them.
  it.each<[string, object, string, string]>([
    ['a terminal port that is the LAN port', { lan: 'eth1', terminals: ['term0', 'eth1'] }, 'interfaces.terminals[1]', 'eth1 is the LAN port; a port is either on the practice LAN or a terminal port'],
    ['a terminal port named like the terminal bridge', { terminals: ['br-term'] }, 'interfaces.terminals[0]', 'br-term is the name of the terminal bridge itself'],
    ['a LAN port named like the terminal bridge', { lan: 'br-term', terminals: [] }, 'interfaces.lan', 'br-term is the name of the terminal bridge'],
    ['a WAN port named like the terminal bridge', { wan: 'br-term' }, 'interfaces.wan', 'must differ from interfaces.terminalBridge (br-term)'],
    ['the WAN port on the LAN port', { wan: 'lan0' }, 'interfaces.wan', 'must differ from interfaces.lan (lan0)'],
    ['the loopback as the LAN port', { lan: 'lo' }, 'interfaces.lan', 'must not be the loopback interface'],
    ['the loopback as the WAN port', { wan: 'lo' }, 'interfaces.wan', 'must not be the loopback interface'],
    ["libipsec's device as the WAN port", { wan: 'ipsec0' }, 'interfaces.wan', "must not be ipsec0: kernel-libipsec's tunnel device has that name, and a packet from it counts as decrypted"],
    ['a LAN port dnsmasq cannot name', { lan: '-lan0' }, 'interfaces.lan', "must be an interface name of up to 15 letters, digits, '_', '.' or '-', starting with a letter or digit; not \"-lan0\""],
  ])('refuses %s', (_name, interfaces, path, message) => {
    expect(validateConfig({ interfaces })).toEqual(refusedAs(path, message));
  });

  // tunnel.wanMtu as the path MTU planner takes it: 0 probes, a line's MTU overrides.
  it.each([0, 1280, 1400, 1452, 1492, 1500])('accepts the internet line MTU %d', (wanMtu) => {
    expect(validateConfig({ tunnel: { wanMtu } })).toMatchObject({ ok: true, config: { tunnel: { wanMtu } } });
  });

  it.each([1, 576, 1279])('refuses the internet line MTU %d, saying what it takes', (wanMtu) => {
    expect(validateConfig({ tunnel: { wanMtu } })).toEqual(
      refusedAs('tunnel.wanMtu', "must be 0 to learn the internet line's path MTU by probing, or the line's MTU from 1280 to 1500 (1492 for PPPoE DSL, 1460 for DS-Lite, 1452 for DS-Lite over PPPoE)"),
    );
  });

  it('refuses an internet line MTU above the WAN port\'s by the field\'s own range', () => {
    expect(validateConfig({ tunnel: { wanMtu: 9000 } })).toMatchObject({ ok: false, errors: [{ path: 'tunnel.wanMtu' }] });
  });

  it('accepts a WAN port named like the terminal bridge while there are no terminal ports: there is no bridge then', () => {
    expect(validateConfig({ interfaces: { wan: 'br-term', terminals: [] } })).toMatchObject({ ok: true });
  });
});

describe('the update times', () => {
  it('takes opening hours of its own, and refuses hours that run backwards or leave no night, in words', () => {
    expect(validateConfig({ updates: { openingDays: ['mon', 'wed'], openingFrom: '07:30', openingUntil: '24:00' } })).toMatchObject({ ok: true });
    expect(validateConfig({ updates: { openingFrom: '18:00', openingUntil: '08:00' } })).toEqual({
      ok: false, errors: [{ path: 'updates.openingUntil', message: 'must be after the opening time 18:00: the hours are a span within one day' }],
    });
    expect(validateConfig({ updates: { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], openingFrom: '00:00', openingUntil: '24:00' } })).toMatchObject({
      ok: false, errors: [{ path: 'updates.openingUntil' }],
    });
    expect(validateConfig({ updates: { openingDays: ['mon', 'holiday'], openingFrom: '6 Uhr' } })).toMatchObject({ ok: false, errors: [{ path: 'updates.openingDays[1]' }, { path: 'updates.openingFrom', message: 'must be a time of day HH:MM such as 06:00' }] });
  });
});
