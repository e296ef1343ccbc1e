// The last changes on the box, who made them and when, merged from the agent's three audit logs
// (audit.list, devices.audit, config.audit), newest first: what the user sees after a login
// (BSI TR-03148). Pure: the agent's entries in, the page's list out, naming no secret (config
// secrets are audited as changed, without value, and only the path is shown here).

export interface ActionAuditView {
  at: string;
  actor: string;
  action: string;
}
export interface DeviceAuditView {
  at: string;
  actor: string;
  action: 'register' | 'change' | 'remove';
  old: { name: string } | null;
  new: { name: string } | null;
}
export interface ConfigAuditView {
  at: string;
  actor: string;
  path: string;
}

export type Change = { at: string; actor: string } & ({ kind: 'action'; action: string } | { kind: 'device'; action: DeviceAuditView['action']; name: string } | { kind: 'config'; path: string });

export function recentChanges(actions: readonly ActionAuditView[], devices: readonly DeviceAuditView[], config: readonly ConfigAuditView[], limit: number): Change[] {
  const all: Change[] = [
    ...actions.map((e): Change => ({ at: e.at, actor: e.actor, kind: 'action', action: e.action })),
    ...devices.map((e): Change => ({ at: e.at, actor: e.actor, kind: 'device', action: e.action, name: e.new?.name ?? e.old?.name ?? '' })),
    ...config.map((e): Change => ({ at: e.at, actor: e.actor, kind: 'config', path: e.path })),
  ];
  return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
