// Golden JSON: the examples of hawkBit's DDI model and REST docs, read to exact values, and the
// bodies the box sends, written to exact text and read back.
import { describe, expect, it } from 'vitest';
import {
  encodeConfigData,
  encodeFeedback,
  parseCancelAction,
  parseConfigData,
  parseControllerBase,
  parseDeploymentBase,
  parseFeedback,
  type Feedback,
} from '../../../../src/updater/ddi/index.ts';

const HOST = 'https://management-api.host.com/TENANT_ID/controller/v1/CONTROLLER_ID';
const CDN = 'https://link-to-cdn.com/api/v1/TENANT_ID/download/controller/CONTROLLER_ID/softwaremodules';

// DdiControllerBase's example: an action to carry out, the installed one, and a configData request.
const controllerBaseExample = `{
  "config" : { "polling" : { "sleep" : "12:00:00" } },
  "_links" : {
    "deploymentBase" : { "href" : "${HOST}/deploymentBase/5?c=-2127183556" },
    "installedBase" : { "href" : "${HOST}/installedBase/4" },
    "configData" : { "href" : "${HOST}/configData" }
  }
}`;

// DdiDeploymentBase's example, cut to two of its three chunks (the second with metadata).
const artifact = (module: number, filename: string, sha1: string, md5: string, sha256: string, size: number) => `{
  "filename" : "${filename}",
  "hashes" : { "sha1" : "${sha1}", "md5" : "${md5}", "sha256" : "${sha256}" },
  "size" : ${size},
  "_links" : {
    "download" : { "href" : "${CDN}/${module}/filename/${filename}" },
    "download-http" : { "href" : "${CDN}/${module}/filename/${filename}" },
    "md5sum-http" : { "href" : "${CDN}/${module}/filename/${filename}.MD5SUM" },
    "md5sum" : { "href" : "${CDN}/${module}/filename/${filename}.MD5SUM" }
  }
}`;
const JVM = ['986a1ade8b8a2f758ce951340cc5e21335cc2a00', 'd04440e6533863247655ac5fd4345bcc', 'b3a04740a19e36057ccf258701922f3cd2f1a880536be53a3ca8d50f6b615975'] as const;
const APP = ['e3ba7ff5839c210c98e254dde655147ffc49f5c9', '020017c498e6b0b8f76168fd55fa6fd1', '80406288820379a82bbcbfbf7e8690146e46256f505de1c6d430c0168a74f6dd'] as const;
const deploymentBaseExample = `{
  "id" : "8",
  "deployment" : {
    "download" : "forced",
    "update" : "forced",
    "maintenanceWindow" : "available",
    "chunks" : [ {
      "part" : "jvm",
      "version" : "1.0.75",
      "name" : "oneapp runtime",
      "artifacts" : [ ${artifact(23, 'binary.tgz', ...JVM, 13)}, ${artifact(23, 'file.signature', ...JVM, 13)} ]
    }, {
      "part" : "bApp",
      "version" : "1.0.91",
      "name" : "oneapplication",
      "artifacts" : [ ${artifact(22, 'binary.tgz', ...APP, 11)} ],
      "metadata" : [ { "key" : "aMetadataKey", "value" : "Metadata value as defined in software module" } ]
    } ]
  },
  "actionHistory" : {
    "status" : "RUNNING",
    "messages" : [ "Reboot", "Write firmware", "Download done", "Download failed. ErrorCode #5876745. Retry", "Started download", "Assignment initiated by user 'TestPrincipal'" ]
  }
}`;

describe('DDI resources the server sends, from the spec examples', () => {
  it('reads the controller base: the interval and the links', () => {
    expect(parseControllerBase(controllerBaseExample)).toEqual({
      pollingSleepMs: 12 * 3600_000,
      deploymentBase: `${HOST}/deploymentBase/5?c=-2127183556`,
      cancelAction: undefined,
      configData: `${HOST}/configData`,
      installedBase: `${HOST}/installedBase/4`,
    });
  });

  it('reads a controller base with nothing to do and no interval', () => {
    expect(parseControllerBase('{}')).toEqual({ pollingSleepMs: undefined, deploymentBase: undefined, cancelAction: undefined, configData: undefined, installedBase: undefined });
  });

  it('reads the deployment base: handling, window, chunks, artifacts with the https link, metadata, history', () => {
    const [sha1, md5, sha256] = JVM;
    const jvmArtifact = (filename: string) => ({ filename, size: 13, sha256, sha1, md5, download: `${CDN}/23/filename/${filename}` });
    expect(parseDeploymentBase(deploymentBaseExample)).toEqual({
      id: '8',
      download: 'forced',
      update: 'forced',
      maintenanceWindow: 'available',
      chunks: [
        { part: 'jvm', version: '1.0.75', name: 'oneapp runtime', encrypted: false, artifacts: [jvmArtifact('binary.tgz'), jvmArtifact('file.signature')], metadata: [] },
        {
          part: 'bApp',
          version: '1.0.91',
          name: 'oneapplication',
          encrypted: false,
          artifacts: [{ filename: 'binary.tgz', size: 11, sha1: APP[0], md5: APP[1], sha256: APP[2], download: `${CDN}/22/filename/binary.tgz` }],
          metadata: [{ key: 'aMetadataKey', value: 'Metadata value as defined in software module' }],
        },
      ],
      actionHistory: {
        status: 'RUNNING',
        messages: ['Reboot', 'Write firmware', 'Download done', 'Download failed. ErrorCode #5876745. Retry', 'Started download', "Assignment initiated by user 'TestPrincipal'"],
      },
    });
  });

  it('reads a deployment without a maintenance window or history, hashes in upper case kept lower', () => {
    const body = JSON.stringify({
      id: '12',
      deployment: {
        download: 'attempt',
        update: 'skip',
        chunks: [{ part: 'os', version: '2', name: 'fw', artifacts: [{ filename: 'a.raucb', size: 0, hashes: { sha256: 'AB'.repeat(32) }, _links: { download: { href: 'https://dc/a' } } }] }],
      },
    });
    const parsed = parseDeploymentBase(body);
    expect(parsed.maintenanceWindow).toBeUndefined();
    expect(parsed.actionHistory).toBeUndefined();
    expect(parsed.chunks[0]?.artifacts[0]).toEqual({ filename: 'a.raucb', size: 0, sha256: 'ab'.repeat(32), sha1: undefined, md5: undefined, download: 'https://dc/a' });
  });

  it('reads the cancel action of the REST docs', () => {
    expect(parseCancelAction('{ "id" : "11", "cancelAction" : { "stopId" : "11" } }')).toEqual({ id: '11', stopId: '11' });
  });
});

describe('DDI bodies the box sends', () => {
  const feedback: Feedback = {
    execution: 'proceeding',
    finished: 'none',
    progress: { cnt: 2, of: 5 },
    code: 200,
    details: ['Some feedback'],
    timestamp: 1627997501890,
  };
  // DdiActionFeedback's documented fields, in the order hawkBit's model lists them.
  const feedbackText = '{"timestamp":1627997501890,"status":{"execution":"proceeding","result":{"finished":"none","progress":{"cnt":2,"of":5}},"code":200,"details":["Some feedback"]}}';

  it('writes feedback to its exact JSON and reads it back', () => {
    expect(encodeFeedback(feedback)).toBe(feedbackText);
    expect(parseFeedback(feedbackText)).toEqual(feedback);
  });

  it('writes a final failure without progress, code or timestamp', () => {
    const text = encodeFeedback({ execution: 'closed', finished: 'failure', progress: undefined, code: undefined, details: ['sha256 mismatch'], timestamp: undefined });
    expect(text).toBe('{"status":{"execution":"closed","result":{"finished":"failure"},"details":["sha256 mismatch"]}}');
  });

  it('cuts details to the limits and says how many lines were left out', () => {
    const many = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const parsed = parseFeedback(encodeFeedback({ ...feedback, details: [...many, 'x'.repeat(2000)] }));
    expect(parsed.details).toHaveLength(32);
    expect(parsed.details[30]).toBe('line 30');
    expect(parsed.details[31]).toBe('… 10 more lines left out');
    const long = parseFeedback(encodeFeedback({ ...feedback, details: ['x'.repeat(2000)] })).details[0];
    expect(long).toBe(`${'x'.repeat(511)}…`);
  });

  // DdiConfigData's example.
  it('writes configData to its exact JSON and reads it back', () => {
    const text = encodeConfigData(new Map([['VIN', 'JH4TB2H26CC000000'], ['hwRevision', '2']]));
    expect(text).toBe('{"mode":"merge","data":{"VIN":"JH4TB2H26CC000000","hwRevision":"2"}}');
    expect(parseConfigData(text)).toEqual({ mode: 'merge', data: new Map([['VIN', 'JH4TB2H26CC000000'], ['hwRevision', '2']]) });
  });

  it('cuts an attribute value to the 128 characters hawkBit keeps, and refuses a key it would not', () => {
    const parsed = parseConfigData(encodeConfigData(new Map([['health', 'w'.repeat(300)]]), 'replace'));
    expect(parsed.mode).toBe('replace');
    expect(parsed.data.get('health')).toBe(`${'w'.repeat(127)}…`);
    expect(() => encodeConfigData(new Map([['a key', 'v']]))).toThrow('the key "a key" must be 1 to 128 letters, digits, dots, dashes or underscores');
  });

  it('keeps a key named like an object property as a plain attribute', () => {
    const parsed = parseConfigData('{"data":{"__proto__":"x","constructor":"y"}}');
    expect([...parsed.data]).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
  });
});
