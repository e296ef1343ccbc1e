// What a poll's answer asks of the box.
import { describe, expect, it } from 'vitest';
import { actionIdOfLink, cancelAnswer, planPoll, type ControllerBase } from '../../../../src/updater/ddi/index.ts';

const B = 'https://dc/DEFAULT/controller/v1/box';
const base = (links: Partial<ControllerBase>): ControllerBase => ({ pollingSleepMs: 300_000, deploymentBase: undefined, cancelAction: undefined, configData: undefined, installedBase: undefined, ...links });

describe('planPoll', () => {
  it('does nothing when the server has nothing', () => {
    expect(planPoll(base({ installedBase: `${B}/installedBase/4` }), undefined)).toEqual([]);
  });

  it('sends configData first, then starts a new deployment', () => {
    expect(planPoll(base({ configData: `${B}/configData`, deploymentBase: `${B}/deploymentBase/8?c=-21` }), undefined)).toEqual([
      { kind: 'sendConfigData', url: `${B}/configData` },
      { kind: 'deployment', url: `${B}/deploymentBase/8?c=-21`, actionId: '8' },
    ]);
  });

  it('leaves the action in hand alone, and takes up another', () => {
    expect(planPoll(base({ deploymentBase: `${B}/deploymentBase/8?c=1` }), { id: '8' })).toEqual([]);
    expect(planPoll(base({ deploymentBase: `${B}/deploymentBase/9` }), { id: '8' })).toEqual([{ kind: 'deployment', url: `${B}/deploymentBase/9`, actionId: '9' }]);
  });

  it('answers a cancel before anything new starts', () => {
    expect(planPoll(base({ cancelAction: `${B}/cancelAction/8`, deploymentBase: `${B}/deploymentBase/9` }), { id: '8' })).toEqual([{ kind: 'cancel', url: `${B}/cancelAction/8` }]);
  });

  it('reads the action id of a link, or none from a link of another shape', () => {
    expect(actionIdOfLink(`${B}/deploymentBase/12?c=5`)).toBe('12');
    expect(actionIdOfLink(`${B}/cancelAction/3`)).toBe('3');
    expect(actionIdOfLink('https://cdn/elsewhere/12')).toBeUndefined();
  });

  it('accepts a cancel until the install starts, also while the install waits for its window', () => {
    expect([undefined, 'downloading', 'downloaded', 'waiting', 'installing', 'rebooting'].map((phase) => cancelAnswer(phase as never))).toEqual(['accept', 'accept', 'accept', 'accept', 'reject', 'reject']);
  });
});
