// The web UI benchmark's targets (issue 19) and the verdict on its results: every page under
// 100 kB transferred, p95 under 50 ms with 10 concurrent clients, the process under 60 MB
// resident when idle. Figures not taken in a run get no verdict.

export const TARGETS = { pageBytes: 100_000, p95MsAt10Clients: 50, idleRssMb: 60 } as const;

export interface WebuiVerdict {
  measurement: string;
  want: string;
  value: number;
  met: boolean;
}

export interface Judged {
  pages: Readonly<Record<string, { total: number }>>;
  /** Per page under load: each client count's p95. */
  latency: Readonly<Record<string, readonly { connections: number; p95_ms: number }[]>>;
  idleRssMb?: number;
}

export function judgeWebui(results: Judged): WebuiVerdict[] {
  const pages = Object.entries(results.pages).map(([name, weight]) => ({
    measurement: `page ${name}`,
    want: `< ${TARGETS.pageBytes / 1000} kB`,
    value: weight.total,
    met: weight.total < TARGETS.pageBytes,
  }));
  const latency = Object.entries(results.latency).flatMap(([name, runs]) =>
    runs
      .filter((run) => run.connections === 10)
      .map((run) => ({ measurement: `p95 ${name}, 10 clients`, want: `< ${TARGETS.p95MsAt10Clients} ms`, value: run.p95_ms, met: run.p95_ms < TARGETS.p95MsAt10Clients })),
  );
  const rss = results.idleRssMb === undefined ? [] : [{ measurement: 'RSS idle', want: `< ${TARGETS.idleRssMb} MB`, value: results.idleRssMb, met: results.idleRssMb < TARGETS.idleRssMb }];
  return [...pages, ...latency, ...rss];
}
