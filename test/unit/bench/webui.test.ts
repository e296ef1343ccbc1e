import { describe, expect, it } from 'vitest';
import { weightOf } from '../../../bench/webuiPages.ts';
import { judgeWebui } from '../../../bench/webuiTargets.ts';

describe('web UI benchmark', () => {
  it('adds up a page load by kind, headers and bodies, and keeps the document body apart', () => {
    const weight = weightOf([
      { type: 'document', headerBytes: 600, bodyBytes: 2_200 },
      { type: 'stylesheet', headerBytes: 500, bodyBytes: 2_300 },
      { type: 'script', headerBytes: 400, bodyBytes: 1_000 },
      { type: 'image', headerBytes: 100, bodyBytes: 50 },
    ]);
    expect(weight).toEqual({ html: 2_800, css: 2_800, js: 1_400, other: 150, total: 7_150, requests: 4, html_body: 2_200 });
  });

  it('judges pages, p95 with 10 clients and idle RSS against the targets, and nothing not measured', () => {
    const verdicts = judgeWebui({
      pages: { public: { total: 7_000 }, heavy: { total: 100_000 } },
      latency: {
        public: [
          { connections: 1, p95_ms: 80 },
          { connections: 10, p95_ms: 12 },
        ],
        landing: [{ connections: 10, p95_ms: 50 }],
      },
      idleRssMb: 61.2,
    });
    expect(verdicts.map((v) => [v.measurement, v.met])).toEqual([
      ['page public', true],
      ['page heavy', false],
      ['p95 public, 10 clients', true],
      ['p95 landing, 10 clients', false],
      ['RSS idle', false],
    ]);
    expect(judgeWebui({ pages: {}, latency: {} })).toEqual([]);
  });
});
