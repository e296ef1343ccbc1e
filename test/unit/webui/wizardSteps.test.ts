// The wizard's step logic as a table: facts of a box in, the first incomplete step and what each
// step lacks out. Only lasting facts count: WAN trouble and a pending change leave a set-up box set up.
import { describe, expect, it } from 'vitest';
import { firstIncomplete, missingFor, stepAfter, stepStates, parseStep, type SetupFacts } from '../../../src/webui/wizard/steps.ts';

/** A box that is set up completely; each row changes what it names. */
const SET_UP: SetupFacts = {
  passwordChanged: true,
  wanConfigured: true,
  profile: true,
  refusedCollisions: 0,
  pvsHosts: 1,
  practiceName: 'Praxis Dr. Muster',
  installerName: 'Erika Beispiel',
};

const FRESH: SetupFacts = { ...SET_UP, passwordChanged: false, profile: false, pvsHosts: 0, practiceName: '', installerName: '' };

describe('the wizard steps', () => {
  it.each([
    ['a box set up', SET_UP, 'done', []],
    ['a fresh box', FRESH, 'password', ['password', 'profile', 'pvsHost', 'practiceName', 'installerName']],
    ['a fresh box once the password is changed', { ...FRESH, passwordChanged: true }, 'profile', ['profile', 'pvsHost', 'practiceName', 'installerName']],
    ['a static WAN without its address or gateway', { ...FRESH, passwordChanged: true, wanConfigured: false }, 'wan', ['wanSetting', 'profile', 'pvsHost', 'practiceName', 'installerName']],
    ['a box set up whose WAN is not configured', { ...SET_UP, wanConfigured: false }, 'wan', ['wanSetting']],
    ['a collision that refuses', { ...SET_UP, refusedCollisions: 2 }, 'segment', ['collision']],
    ['a profile but no PVS host', { ...SET_UP, pvsHosts: 0 }, 'devices', ['pvsHost']],
    ['no installer name', { ...SET_UP, installerName: '' }, 'practice', ['installerName']],
    ['no practice name', { ...SET_UP, practiceName: '' }, 'practice', ['practiceName']],
  ] as const)('%s: goes to %s, lacking %j', (_name, facts, next, missing) => {
    expect(firstIncomplete(facts)).toBe(next);
    expect(stepStates(facts).at(-1)).toEqual({ step: 'done', missing });
  });

  it('finds no collision to check before there is a profile, and names the profile instead', () => {
    expect(missingFor('segment', { ...SET_UP, profile: false, refusedCollisions: 1 })).toEqual(['profile']);
  });

  it('lists every step in order with what it lacks', () => {
    expect(stepStates({ ...FRESH, passwordChanged: true }).map((s) => [s.step, s.missing.length])).toEqual([
      ['password', 0],
      ['wan', 0],
      ['profile', 1],
      ['segment', 1],
      ['devices', 1],
      ['practice', 2],
      ['done', 4],
    ]);
  });

  it('walks the steps in order and stays at the end', () => {
    expect(stepAfter('password')).toBe('wan');
    expect(stepAfter('practice')).toBe('done');
    expect(stepAfter('done')).toBe('done');
  });

  it('takes only the names of its steps from a path', () => {
    expect(parseStep('segment')).toBe('segment');
    expect(parseStep('constructor')).toBeUndefined();
    expect(parseStep(undefined)).toBeUndefined();
  });
});
