// Reads one line from the terminal without echoing it (a password). Only for a TTY stdin:
// raw mode is what turns the echo off, and with it the terminal's own Ctrl-C and Ctrl-D, which
// arrive here as characters. Ctrl-C cancels (PromptInterrupted); Ctrl-D ends the input as Enter
// does, as a terminal's end of file would.
import { stdin, stderr } from 'node:process';

/** Ctrl-C at the prompt: main() exits quietly with 130, as a shell reports an interrupted command. */
export class PromptInterrupted extends Error {
  constructor() {
    super('interrupted at the prompt');
    this.name = 'PromptInterrupted';
  }
}

/** The terminal the prompt reads and writes; the process's own unless a test passes one. */
export interface PromptTerminal {
  input: {
    setRawMode(raw: boolean): unknown;
    resume(): unknown;
    pause(): unknown;
    on(event: 'data', listener: (chunk: Buffer) => void): unknown;
    off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  };
  output: { write(text: string): unknown };
}

export function promptSecret(prompt: string, { input, output }: PromptTerminal = { input: stdin, output: stderr }): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let text = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new PromptInterrupted());
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
