// The TI routes module: the one owner of TI routes (routing table TI_ROUTE_TABLE, rules at
// TI_RULE_PRIORITY and TI_GUARD_PRIORITY). charon runs with install_routes = no, so nothing else
// routes TI traffic. Only the composition roots in src/agent/ import it, through ../index.ts.
export { TI_GUARD_PRIORITY, TI_ROUTE_TABLE, TI_RULE_PRIORITY } from './model.ts';
export type { RouteEntry, RuleEntry, TiPath, TiRoutesDesired } from './model.ts';
export { diffRoutes, opText, planRoutes } from './plan.ts';
export type { KernelFacts, RouteOp, RoutePlan } from './plan.ts';
export type { RouteKernel, RouteKernelState } from './kernel.ts';
export { NetlinkRouteKernel } from './netlinkKernel.ts';
export { TiRoutes } from './tiRoutes.ts';
export type { TiRoutesDeps } from './tiRoutes.ts';
export { loadBootRoutes, ROUTES_STATE_FILE } from './bootRoutes.ts';
export { renderRouteBatch } from './routeBatch.ts';
