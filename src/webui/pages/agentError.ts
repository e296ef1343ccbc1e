// The agent's refusal of an action in the page's language: its named error (src/core/errors.ts)
// by code from the catalogue, or a general refusal for a code the catalogue does not word. The
// agent's own message is English and may name values; the page shows the catalogue's words.
import { ControlApiError } from '../../control/client.ts';
import { TiboxError } from '../../core/errors.ts';
import { wordFor, type Messages } from '../i18n/index.ts';

export interface AgentRefusal {
  /** The agent's code, for the JSON API. */
  code: string;
  /** The HTTP status the agent answered with. */
  status: number;
  text: string;
}

/** The refusal, or undefined for an error that is not the agent's answer (a bug: the caller lets it through). */
export function agentRefusal(m: Messages, error: unknown): AgentRefusal | undefined {
  if (error instanceof ControlApiError) return { code: error.code, status: error.status, text: wordFor(m.agentErrors, error.code) ?? m.agentRefused };
  if (error instanceof TiboxError) return { code: error.code, status: error.status, text: wordFor(m.agentErrors, error.code) ?? m.agentRefused };
  return undefined;
}
