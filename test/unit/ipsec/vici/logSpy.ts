// A ViciLogger that keeps its lines as text, so tests can assert what was reported.
import type { ViciLogger } from '../../../../src/ipsec/vici/connection.ts';

export function logSpy(): ViciLogger & { lines: string[] } {
  const lines: string[] = [];
  const line = (level: string) => (obj: object, msg: string) => {
    const event = (obj as { event?: string }).event;
    lines.push(`${level} ${msg}${event ? ` (${event})` : ''}`);
  };
  return { lines, warn: line('warn'), debug: line('debug') };
}
