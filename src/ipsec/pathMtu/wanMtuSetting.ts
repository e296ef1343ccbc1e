// The configured path MTU of the internet line (`tunnel.wanMtu`), for lines whose path MTU
// cannot be probed (the gateways answer no ping, or a router on the way drops "fragmentation
// needed"): 0 learns it by probing; otherwise it stands for what probes would find.

/** 0: learn the path MTU by probing. */
export const WAN_MTU_PROBE = 0;
/** IPv6's minimum link MTU; no internet line in use offers less. */
export const WAN_MTU_MIN = 1280;
/** Ethernet's: a path MTU never exceeds the WAN port's. */
export const WAN_MTU_MAX = 1500;

/** Why a configured value is refused, in words; undefined when it is fine. */
export function wanMtuProblem(value: number): string | undefined {
  if (value === WAN_MTU_PROBE) return undefined;
  if (!Number.isInteger(value) || value < WAN_MTU_MIN || value > WAN_MTU_MAX) {
    return `must be 0 to learn the internet line's path MTU by probing, or the line's MTU from ${WAN_MTU_MIN} to ${WAN_MTU_MAX} (1492 for PPPoE DSL, 1460 for DS-Lite, 1452 for DS-Lite over PPPoE)`;
  }
  return undefined;
}
