import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, defaultConfig, describeSchema, validateConfig } from '../../../src/agent/store/configSchema.ts';

describe('the tibox config schema', () => {
  it('has defaults that validate, as a deeply frozen config', () => {
    const config = defaultConfig();
    expect(config).toEqual({
      box: { name: 'tibox' },
      ui: { language: 'de' },
      interfaces: { lan: 'lan0', wan: 'wan0', lanFallback: '169.254.77.1/16', terminals: ['term0'] },
      tunnel: { enabled: true },
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

describe('describeSchema', () => {
  const fields = describeSchema();

  it('lists every field once, with German and English label and help', () => {
    expect(fields.map((f) => f.path)).toEqual(['box.name', 'ui.language', 'interfaces.lan', 'interfaces.wan', 'interfaces.lanFallback', 'interfaces.terminals', 'tunnel.enabled', 'log.level']);
    for (const f of fields) {
      for (const text of [f.label.de, f.label.en, f.help.de, f.help.en]) expect(text.length, f.path).toBeGreaterThan(3);
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
