import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { promptSecret, PromptInterrupted } from '../../../src/agent/cli/secretPrompt.ts';

/** A terminal that records raw mode and output; `type` sends keys as the user's terminal would. */
class FakeTerminal {
  readonly events = new EventEmitter();
  readonly rawModes: boolean[] = [];
  written = '';
  readonly input = {
    setRawMode: (raw: boolean) => this.rawModes.push(raw),
    resume: () => undefined,
    pause: () => undefined,
    on: (event: 'data', listener: (chunk: Buffer) => void) => this.events.on(event, listener),
    off: (event: 'data', listener: (chunk: Buffer) => void) => this.events.off(event, listener),
  };
  readonly output = { write: (text: string) => (this.written += text) };

  type(keys: string): void {
    this.events.emit('data', Buffer.from(keys, 'utf8'));
  }
}

describe('promptSecret', () => {
  it('reads a line without echo, with backspace, in raw mode only while asking', async () => {
    const terminal = new FakeTerminal();
    const answer = promptSecret('Password: ', terminal);
    terminal.type('sx\u007fecr');
    terminal.type('et\r');
    expect(await answer).toBe('secret');
    expect(terminal.written).toBe('Password: \n');
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.events.listenerCount('data')).toBe(0);
  });

  it('takes Ctrl-D as the end of the input', async () => {
    const terminal = new FakeTerminal();
    const answer = promptSecret('Password: ', terminal);
    terminal.type('abc\u0004');
    expect(await answer).toBe('abc');
  });

  it('rejects with PromptInterrupted on Ctrl-C and gives the terminal back', async () => {
    const terminal = new FakeTerminal();
    const answer = promptSecret('Password: ', terminal);
    terminal.type('sec\u0003ret\r');
    await expect(answer).rejects.toBeInstanceOf(PromptInterrupted);
    expect(terminal.rawModes).toEqual([true, false]);
    expect(terminal.events.listenerCount('data')).toBe(0);
  });
});
