// Where the DDI resources live below the controller's base URL.
import { describe, expect, it } from 'vitest';
import { cancelFeedbackUrl, configDataUrl, controllerBaseUrl, deploymentFeedbackUrl } from '../../../../src/updater/ddi/index.ts';

describe('DDI resource URLs', () => {
  const base = controllerBaseUrl('https://ddi.dc.tibox.test/', 'DEFAULT', 'TBX-00000001');

  it('puts the controller below /{tenant}/controller/v1/, keeping a path prefix of the endpoint', () => {
    expect(base).toBe('https://ddi.dc.tibox.test/DEFAULT/controller/v1/TBX-00000001');
    expect(controllerBaseUrl('https://dc:8443/hawkbit', 't', 'box')).toBe('https://dc:8443/hawkbit/t/controller/v1/box');
  });

  it('hangs feedback and configData below it', () => {
    expect(deploymentFeedbackUrl(base, '8')).toBe(`${base}/deploymentBase/8/feedback`);
    expect(cancelFeedbackUrl(base, '11')).toBe(`${base}/cancelAction/11/feedback`);
    expect(configDataUrl(base)).toBe(`${base}/configData`);
  });

  it('refuses what would change the path or leave TLS', () => {
    expect(() => controllerBaseUrl('http://dc', 't', 'box')).toThrow('the management endpoint must be an https URL, not http:');
    expect(() => controllerBaseUrl('https://dc', 't/x', 'box')).toThrow('the tenant "t/x" must be 1 to 64 letters, digits, dots, dashes or underscores');
    expect(() => controllerBaseUrl('https://dc', 't', '../box')).toThrow('the controller id "../box" must be 1 to 256');
    expect(() => deploymentFeedbackUrl(base, '8/../../x')).toThrow('the action id "8/../../x" must be letters, digits, dots, dashes or underscores');
  });
});
