// The firewall subsystem owns the kernel's `inet tibox` nftables table (and, with the tunnel
// issue, the TI routes): from boot it holds the fail-closed baseline, later the rendered ruleset.
// Only the composition roots in src/agent/ import it.
export { renderBaselineRuleset, TIBOX_TABLE } from './baseline.ts';
export { NftLoader } from './nftLoader.ts';
