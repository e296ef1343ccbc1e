// TCP knocks at the management endpoint: what counts as an answer, and their pace.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KnockProbe, tcpKnock } from '../../../../src/ipsec/tunnel/knockProbe.ts';

describe('tcpKnock (loopback)', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('counts a completed handshake and a refusal as answers', async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await tcpKnock('127.0.0.1', port, 1_000)).toBe(true);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await tcpKnock('127.0.0.1', port, 1_000)).toBe(true);
  });
});

describe('KnockProbe', () => {
  afterEach(() => vi.useRealTimers());

  it('knocks once per interval, one at a time, reports answers, and stops', async () => {
    vi.useFakeTimers();
    const knocks: number[] = [];
    let answers = 0;
    let answer = false;
    const probe = new KnockProbe(
      async (_address, _port, timeoutMs) => {
        knocks.push(Date.now());
        await new Promise((r) => setTimeout(r, Math.min(300, timeoutMs)));
        return answer;
      },
      { address: '203.0.113.80', port: 443, intervalMs: 1_000, onAnswer: () => (answers += 1) },
    );
    const t0 = Date.now();
    probe.run();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(knocks.map((t) => t - t0)).toEqual([0, 1_000, 2_000]);
    expect(answers).toBe(0);
    answer = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(answers).toBe(1);
    probe.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(knocks).toHaveLength(4);
  });
});
