// tibox's VICI client for strongSwan's charon, written from the protocol spec (strongSwan's
// src/libcharon/plugins/vici/README.md) in three layers: codec (messages, packets, frames),
// connection (one socket, one reader loop, calls queued one at a time, events demultiplexed),
// session (typed commands and events, reconnect across charon restarts). The tunnel controller
// in src/ipsec uses ViciSession; the codec is exported for planners that render VICI messages
// and for tests. Nothing outside src/ipsec imports this module except the composition root.
export {
  ViciError, ViciProtocolError, ViciEncodeError, ViciClosedError, ViciTimeoutError, ViciAbortedError,
  ViciUnknownCommandError, ViciUnknownEventError, ViciCommandError, type ViciErrorCode,
} from './errors.ts';
export {
  viciMessage, getString, getSection, getList, sectionsOf, isSection, isList,
  type ViciMessage, type ViciValue, type ViciScalar, type ViciList, type ViciInit, type ViciInitValue,
} from './message.ts';
export { encodeMessage, decodeMessage, MAX_NAME_BYTES, MAX_VALUE_BYTES, MAX_DEPTH } from './codec.ts';
export { PacketType, encodePacket, decodePacket, encodeFrame, FrameDecoder, MAX_PACKET_BYTES, type ViciPacket } from './packet.ts';
export { ViciConnection, type CallOptions, type ConnectOptions, type ViciLogger, type ViciSubscriber, type StreamResult } from './connection.ts';
export type { ViciEventMap, ViciEventName, SaUpDown, SaRekey, LogLine } from './events.ts';
export {
  ViciSession, type ViciSessionOptions, type ViciSessionEvents, type ViciVersion, type ViciStats, type Named, type ControlResult,
} from './session.ts';
