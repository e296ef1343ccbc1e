// Property tests of the DDI codec: no input makes a parser throw anything but a DdiError, what
// the box writes the server reads back unchanged, and the sleep format survives a round trip.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DdiError,
  encodeConfigData,
  encodeFeedback,
  EXECUTION,
  FINISHED,
  formatSleep,
  MAX_DETAIL_CHARS,
  parseCancelAction,
  parseConfigData,
  parseControllerBase,
  parseDeploymentBase,
  parseFeedback,
  parseSleep,
  type Feedback,
} from '../../../../src/updater/ddi/index.ts';

const parsers = [parseControllerBase, parseDeploymentBase, parseCancelAction, parseFeedback, parseConfigData];

function onlyDdiErrors(parse: (body: string | Uint8Array) => unknown, body: string | Uint8Array): void {
  try {
    parse(body);
  } catch (error) {
    if (!(error instanceof DdiError)) throw error;
  }
}

// JSON shaped like the resources, so the parsers get past the first field and into the model.
const near = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('forced', 'skip', 'closed', 'success', 'https://dc/x', '00:05:00', 'a'.repeat(64), '..', 'a/b'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(
    fc.constantFrom('id', 'deployment', 'download', 'update', 'chunks', 'artifacts', 'part', 'version', 'name', 'filename', 'size', 'hashes', 'sha256', '_links', 'href', 'status', 'result', 'execution', 'finished', 'data', 'config', 'polling', 'sleep', 'cancelAction', 'stopId', '__proto__'),
    tie('value'),
    { maxKeys: 6 },
  ),
}));

describe('DDI parsers on hostile input', () => {
  it('throw only DdiErrors on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => parsers.forEach((parse) => onlyDdiErrors(parse, bytes))));
  });

  it('throw only DdiErrors on any JSON', () => {
    fc.assert(fc.property(fc.json(), (text) => parsers.forEach((parse) => onlyDdiErrors(parse, text))));
  });

  it('throw only DdiErrors on JSON shaped like the resources', () => {
    fc.assert(fc.property(near.object, (value) => parsers.forEach((parse) => onlyDdiErrors(parse, JSON.stringify(value)))), { numRuns: 500 });
  });

  it('survive nesting far deeper than any resource', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseDeploymentBase(deep)).toThrow(DdiError);
  });
});

describe('DDI bodies the box writes, read back', () => {
  const detail = fc.string({ maxLength: MAX_DETAIL_CHARS, unit: 'binary' }).filter((text) => text.length <= MAX_DETAIL_CHARS);
  const feedback: fc.Arbitrary<Feedback> = fc.record({
    execution: fc.constantFrom(...EXECUTION),
    finished: fc.constantFrom(...FINISHED),
    progress: fc.option(fc.record({ cnt: fc.nat(), of: fc.option(fc.nat(), { nil: undefined }) }), { nil: undefined }),
    code: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: undefined }),
    details: fc.array(detail, { maxLength: 32 }),
    timestamp: fc.option(fc.nat(), { nil: undefined }),
  });

  it('feedback within the limits comes back as it was', () => {
    fc.assert(fc.property(feedback, (f) => {
      expect(parseFeedback(encodeFeedback(f))).toEqual(f);
    }));
  });

  it('feedback beyond the limits is still feedback the server takes', () => {
    // Astral characters (two UTF-16 units each) where the cut falls: it must never split one.
    const line = fc.string({ minLength: MAX_DETAIL_CHARS - 4, maxLength: 2 * MAX_DETAIL_CHARS, unit: fc.constantFrom('a', '😀', 'ü') });
    const long = fc.array(line, { maxLength: 60 });
    fc.assert(
      fc.property(feedback, long, (f, details) => {
        const read = parseFeedback(encodeFeedback({ ...f, details }));
        expect(read.details.length).toBe(Math.min(details.length, 32));
        for (const text of read.details) expect(text.isWellFormed()).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('configData within the limits comes back as it was', () => {
    const key = fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/);
    const value = fc.string({ maxLength: 128 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 100, selector: ([k]) => k }), (entries) => {
        const data = new Map(entries);
        expect(parseConfigData(encodeConfigData(data)).data).toEqual(data);
      }),
    );
  });

  it('a sleep in whole seconds below 100 hours survives formatting and parsing', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 * 3600 - 1 }), (seconds) => {
      expect(parseSleep(formatSleep(seconds * 1000))).toBe(seconds * 1000);
    }));
  });
});
