// Whether a gateway's IKE answers on UDP 500 and 4500, asked with a request it cannot accept
// (ikeInitPacket.ts, pure) over a socket of the probe's own (udpIkeProbe.ts). The function test
// uses it; the ipsec subsystem's index re-exports it for the composition root.
export { ikeInitRequest, readIkeInitAnswer, type IkeInitAnswer, type IkeInitRequest } from './ikeInitPacket.ts';
export { udpIkeProbe, type IkeProbe, type IkeProbeOutcome } from './udpIkeProbe.ts';
