// The process's one subscription to the agent: reads only while someone listens, one read at a
// time however many changes come, and subscribes again when the stream is lost; a factory reset
// the agent announces reaches every reset listener, one that throws keeping none from it.
import { expect, it } from 'vitest';
import type { AgentChange } from '../../../src/control/protocol.ts';
import { LiveOverview, overviewOf, type Overview } from '../../../src/webui/index.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';

const OVERVIEW = overviewOf(SAMPLE_STATUS, [], []);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

it('reads nothing while nobody listens, and one more read for all the changes during a read', async () => {
  let emit: (change: AgentChange) => void = () => undefined;
  let reads = 0;
  let release: () => void = () => undefined;
  const live = new LiveOverview({
    watch: (onChange, signal) => new Promise((resolve) => ((emit = onChange), signal.addEventListener('abort', () => resolve()))),
    read: async () => {
      reads++;
      await new Promise<void>((r) => (release = r));
      return { ...OVERVIEW, verdict: reads % 2 ? 'allOk' : 'datacenter' } as Overview;
    },
    log: memoryLogger().log,
  });
  live.start();
  emit('tunnel');
  expect(reads).toBe(0);
  const seen: Overview[] = [];
  const unsubscribe = live.subscribe((o) => seen.push(o));
  expect(reads).toBe(1);
  emit('tunnel');
  emit('health');
  emit('devices');
  release();
  await until(() => reads === 2);
  release();
  await until(() => seen.length === 2);
  expect(reads).toBe(2);
  expect(seen.map((o) => o.verdict)).toEqual(['allOk', 'datacenter']);
  unsubscribe();
  emit('tunnel');
  expect(reads).toBe(2);
  live.stop();
});

it('subscribes again after the stream ends or fails, and reads at each new subscription', async () => {
  const logger = memoryLogger();
  let watches = 0;
  let reads = 0;
  const live = new LiveOverview({
    watch: async (onChange) => {
      watches++;
      if (watches === 1) throw new Error('the tibox agent is not running');
      onChange('hello');
    },
    read: async () => {
      reads++;
      return OVERVIEW;
    },
    log: logger.log,
    retryMs: 10,
  });
  const unsubscribe = live.subscribe(() => undefined);
  live.start();
  await until(() => watches >= 3);
  live.stop();
  unsubscribe();
  expect(reads).toBeGreaterThanOrEqual(3);
  expect(logger.lines().map((l) => l.msg)).toContain("the agent's event stream is not available; trying again");
});

it('hands a reset the agent announces to every reset listener, even past one that throws', async () => {
  const logger = memoryLogger();
  let emit: (change: AgentChange) => void = () => undefined;
  const live = new LiveOverview({
    watch: (onChange, signal) => new Promise((resolve) => ((emit = onChange), signal.addEventListener('abort', () => resolve()))),
    read: async () => OVERVIEW,
    log: logger.log,
  });
  const heard: string[] = [];
  live.onReset(() => {
    throw new Error('store gone');
  });
  const stopHearing = live.onReset(() => heard.push('reset'));
  live.start();
  await until(() => emit.length === 1);
  emit('config');
  emit('reset');
  expect(heard).toEqual(['reset']);
  expect(logger.lines().some((l) => l.msg === 'a factory reset listener failed')).toBe(true);
  stopHearing();
  emit('reset');
  expect(heard).toEqual(['reset']);
  live.stop();
});
