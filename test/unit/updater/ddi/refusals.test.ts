// Malformed and oversized DDI bodies: each refused with a DdiError that names the field and says
// what is wrong.
import { describe, expect, it } from 'vitest';
import {
  DdiError,
  MAX_CONTROLLER_BASE_BYTES,
  MAX_DEPLOYMENT_BASE_BYTES,
  parseCancelAction,
  parseConfigData,
  parseControllerBase,
  parseDeploymentBase,
  parseFeedback,
} from '../../../../src/updater/ddi/index.ts';

const artifact = { filename: 'a.raucb', size: 10, hashes: { sha256: 'a'.repeat(64) }, _links: { download: { href: 'https://dc/a' } } };
const chunk = { part: 'os', version: '1', name: 'fw', artifacts: [artifact] };
const deployment = (patch: Record<string, unknown> = {}, chunkPatch: Record<string, unknown> = {}, artifactPatch: Record<string, unknown> = {}) =>
  JSON.stringify({ id: '7', deployment: { download: 'forced', update: 'forced', chunks: [{ ...chunk, ...chunkPatch, artifacts: [{ ...artifact, ...artifactPatch }] }], ...patch } });

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(DdiError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('refused DDI bodies', () => {
  it.each([
    ['not JSON', () => parseControllerBase('{"config":'), /^ddi controller base: not JSON \(/],
    ['an array', () => parseControllerBase('[]'), 'ddi controller base: must be an object, not an array'],
    ['a sleep of the wrong form', () => parseControllerBase('{"config":{"polling":{"sleep":"5 min"}}}'), 'ddi controller base: config.polling.sleep: must be HH:mm:ss, not "5 min"'],
    ['a sleep with 75 minutes', () => parseControllerBase('{"config":{"polling":{"sleep":"00:75:00"}}}'), 'ddi controller base: config.polling.sleep: must be HH:mm:ss with minutes and seconds below 60, not "00:75:00"'],
    ['a link over plain http', () => parseControllerBase('{"_links":{"deploymentBase":{"href":"http://dc/x"}}}'), 'ddi controller base: _links.deploymentBase.href: must be an https URL, not http:'],
    ['a link that is no URL', () => parseControllerBase('{"_links":{"configData":{"href":"nowhere"}}}'), 'ddi controller base: _links.configData.href: is not a URL: "nowhere"'],
    ['a link with a password', () => parseControllerBase('{"_links":{"configData":{"href":"https://u:p@dc/x"}}}'), 'ddi controller base: _links.configData.href: must not carry a user name or password'],
    ['a link without href', () => parseControllerBase('{"_links":{"cancelAction":{}}}'), 'ddi controller base: _links.cancelAction.href: is missing'],
    ['no id', () => parseDeploymentBase(JSON.stringify({ deployment: {} })), 'ddi deployment base: id: is missing'],
    ['an id that would change the URL path', () => parseDeploymentBase(deployment().replace('"7"', '"../7"')), 'ddi deployment base: id: must be letters, digits, dots, dashes or underscores, not "../7"'],
    ['an unknown handling', () => parseDeploymentBase(deployment({ download: 'later' })), 'ddi deployment base: deployment.download: must be one of skip, attempt, forced, not "later"'],
    ['an unknown window state', () => parseDeploymentBase(deployment({ maintenanceWindow: 'soon' })), 'ddi deployment base: deployment.maintenanceWindow: must be one of available, unavailable, not "soon"'],
    ['chunks not a list', () => parseDeploymentBase(deployment({ chunks: {} })), 'ddi deployment base: deployment.chunks: must be an array, not an object'],
    ['too many chunks', () => parseDeploymentBase(deployment({ chunks: Array.from({ length: 17 }, () => chunk) })), 'ddi deployment base: deployment.chunks: has 17 entries, more than 16'],
    ['a chunk without part', () => parseDeploymentBase(deployment({}, { part: null })), 'ddi deployment base: deployment.chunks[0].part: is missing'],
    ['a file name with a slash', () => parseDeploymentBase(deployment({}, {}, { filename: '../../etc/passwd' })), 'ddi deployment base: deployment.chunks[0].artifacts[0].filename: must be a plain file name (no slash, backslash or NUL, not . or ..), not "../../etc/passwd"'],
    ['a file name of two dots', () => parseDeploymentBase(deployment({}, {}, { filename: '..' })), 'ddi deployment base: deployment.chunks[0].artifacts[0].filename: must be a plain file name (no slash, backslash or NUL, not . or ..), not ".."'],
    ['no sha256', () => parseDeploymentBase(deployment({}, {}, { hashes: { sha1: 'a'.repeat(40) } })), 'ddi deployment base: deployment.chunks[0].artifacts[0].hashes.sha256: is missing'],
    ['a short sha256', () => parseDeploymentBase(deployment({}, {}, { hashes: { sha256: 'abc' } })), 'ddi deployment base: deployment.chunks[0].artifacts[0].hashes.sha256: must be 64 hex digits, not "abc"'],
    ['a negative size', () => parseDeploymentBase(deployment({}, {}, { size: -1 })), 'ddi deployment base: deployment.chunks[0].artifacts[0].size: must be from 0 to 9007199254740991, not -1'],
    ['a fractional size', () => parseDeploymentBase(deployment({}, {}, { size: 1.5 })), 'ddi deployment base: deployment.chunks[0].artifacts[0].size: must be an integer, not a number 1.5'],
    ['a size as a string', () => parseDeploymentBase(deployment({}, {}, { size: '10' })), 'ddi deployment base: deployment.chunks[0].artifacts[0].size: must be an integer, not a string'],
    ['no https download link', () => parseDeploymentBase(deployment({}, {}, { _links: { 'download-http': { href: 'http://dc/a' } } })), 'ddi deployment base: deployment.chunks[0].artifacts[0]._links.download: is missing'],
    ['the same file twice in a chunk', () => parseDeploymentBase(deployment({ chunks: [{ ...chunk, artifacts: [artifact, artifact] }] })), 'ddi deployment base: deployment.chunks[0].artifacts[1].filename: "a.raucb" appears twice in this chunk'],
    ['a 2000-character version', () => parseDeploymentBase(deployment({}, { version: 'v'.repeat(2000) })), 'ddi deployment base: deployment.chunks[0].version: has 2000 characters, more than 128'],
    ['a cancel without stopId', () => parseCancelAction('{"id":"3","cancelAction":{}}'), 'ddi cancel action: cancelAction.stopId: is missing'],
    ['feedback of an unknown execution', () => parseFeedback('{"status":{"execution":"done","result":{"finished":"success"}}}'), 'ddi feedback: status.execution: must be one of closed, proceeding, canceled, scheduled, rejected, resumed, downloaded, download, not "done"'],
    ['feedback with a detail that is no string', () => parseFeedback('{"status":{"execution":"closed","result":{"finished":"success"},"details":[1]}}'), 'ddi feedback: status.details[0]: must be a string, not a number'],
    ['configData without data', () => parseConfigData('{"mode":"merge"}'), 'ddi config data: data: is missing'],
    ['configData with no attribute', () => parseConfigData('{"data":{}}'), 'ddi config data: data: must hold at least one attribute'],
    ['configData with a number', () => parseConfigData('{"data":{"uptime":5}}'), 'ddi config data: data.uptime: must be a string, not a number'],
  ])('%s', (_name, parse, expected) => {
    const message = refusal(parse);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('refuses an oversized body by its size, before reading it', () => {
    const big = `{"padding":"${'x'.repeat(MAX_CONTROLLER_BASE_BYTES)}"}`;
    expect(refusal(() => parseControllerBase(big))).toBe(`ddi controller base: the body has ${big.length} bytes, more than the limit of ${MAX_CONTROLLER_BASE_BYTES}`);
    // Counted in bytes, not characters: 'ü' is two.
    const umlauts = `"${'ü'.repeat(MAX_DEPLOYMENT_BASE_BYTES / 2)}"`;
    expect(refusal(() => parseDeploymentBase(umlauts))).toMatch(/more than the limit of 262144$/);
  });

  it('reads bytes as UTF-8 like text', () => {
    expect(parseCancelAction(Buffer.from('{"id":"3","cancelAction":{"stopId":"3"}}')).stopId).toBe('3');
  });

  it('ignores fields it does not know and takes null as absent', () => {
    expect(parseControllerBase('{"config":{"polling":{"sleep":"00:05:00","future":1}},"_links":{"deploymentBase":null},"other":[1]}').pollingSleepMs).toBe(300_000);
  });
});
