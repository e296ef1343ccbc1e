// 8 Connector: https://<connector>/connector.sds answers through the tunnel, from the box's TI
// address: a TCP connection, a completed TLS handshake and a service directory that reads as one
// (serviceDirectory.ts). Each address of the profile's connector is asked.
import { localTiAddress, type TunnelState } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';
import type { SdsOutcome } from '../sdsFetch.ts';
import type { TextKey } from '../texts.ts';
import { readServiceDirectory } from '../serviceDirectory.ts';

export interface ConnectorFacts {
  readonly hasProfile: boolean;
  readonly tunnel: TunnelState;
  readonly answers: readonly { readonly connector: string; readonly outcome: SdsOutcome }[];
}

export const connectorCheck: Check<ConnectorFacts> = {
  id: 'connector',
  number: 8,
  timeoutMs: 8_000,
  async gather(sources, signal) {
    const profile = sources.profile();
    const tunnel = sources.tunnel().state;
    if (!profile || tunnel !== 'up') return { hasProfile: profile !== undefined, tunnel, answers: [] };
    const from = localTiAddress(profile.tiSegment);
    const answers = await Promise.all(
      profile.connector.addresses.map(async (connector) => ({ connector, outcome: await sources.connectorSds(connector, from, signal) })),
    );
    return { hasProfile: true, tunnel, answers };
  },
  judge: judgeConnector,
};

export function judgeConnector({ hasProfile, tunnel, answers }: ConnectorFacts): Judgement {
  if (!hasProfile) return { verdict: 'fail', value: 'no profile', fixKey: 'profile.missing' };
  if (tunnel !== 'up') return { verdict: 'fail', value: `tunnel ${tunnel}`, fixKey: 'connector.tunnelDown' };
  const values: string[] = [];
  for (const { connector, outcome } of answers) {
    const params = { connector };
    if (outcome.stage === 'connect') return fail(`${connector}: no connection (${outcome.error})`, 'connector.unreachable', { ...params, error: outcome.error });
    if (outcome.stage === 'tls') return fail(`${connector}: TLS failed (${outcome.error})`, 'connector.tls', { ...params, error: outcome.error });
    if (outcome.stage === 'http') {
      const error = outcome.error ?? `HTTP ${outcome.status}`;
      return fail(`${connector}: ${outcome.tls}, ${error}`, 'connector.sds', { ...params, error });
    }
    try {
      const sds = readServiceDirectory(outcome.body);
      values.push(`${connector}: ${outcome.tls}, connector.sds of ${sds.productName ?? 'an unnamed product'}, ${sds.services.length} services`);
    } catch (error) {
      const reason = (error as Error).message;
      return fail(`${connector}: ${outcome.tls}, ${reason}`, 'connector.sds', { ...params, error: reason });
    }
  }
  return { verdict: 'pass', value: values.join('; ') };
}

function fail(value: string, fixKey: TextKey, params: Record<string, string>): Judgement {
  return { verdict: 'fail', value, fixKey, params };
}
