/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire`: the core. {@link NetlinkSocket} (requests, dumps, subscriptions on any netlink
 * protocol), `decode` and `buildMessage`, the declaration helpers families are written with, the
 * attribute scanner and builders, and the error classes.
 *
 * Each family and tool has its own entry point, so that a program loads (and type-checks) only
 * what it imports: `nlwire/route` (`Rtnl`), `nlwire/genl`, `nlwire/ynl`, `nlwire/diag`,
 * `nlwire/netfilter`, `nlwire/xfrm`, `nlwire/audit`, `nlwire/crypto`, `nlwire/connector`, `nlwire/uevent`,
 * `nlwire/ip` (iproute2 renderers), `nlwire/pcap`, and `nlwire/codec` (browser-safe, no sockets).
 *
 * @module nlwire
 */
export { NetlinkSocket, type NetlinkSocketOptions, type RequestOptions, type RequestResult, type DumpOptions, type DumpResult, type DumpStream, type SubscriptionItem, type SubscribeOptions, type CaptureSink, type RawChunk } from './socket/netlink-socket.js';
export { nativeAvailable } from './socket/native.js';
export { DecodeError, NetlinkError, NetlinkTimeoutError, type DecodeErrorReason, type ExtendedAck } from './core/errors.js';
export { Protocol, NLM_F, type ProtocolName } from './core/constants.js';
export { decodeHeader, encodeHeader, type MessageHeader } from './core/header.js';
export { AttributeScanner, AttributeBuilder, RawBytes, Concat, type Encodable } from './core/attr.js';
export { MessageBuilder, splitMessages, type RawMessage } from './core/message.js';
export type { AttrSet, StructDef, EnumDef, FlagsDef, DecodedSet, StructValue } from './schema/types.js';
export { attrSet, defineEnum, defineFlags, defineStruct, enumName, enumValue, flagNamesOf, flagsValue } from './schema/define.js';
export { decodeAttrs, encodeAttrs, decodeStruct } from './schema/engine.js';
export { defineMessage, buildMessage, decodeMessageAt, compileFamily, type MessageDef, type MessageFamily, type DecodedMessage, type BuildInput } from './schema/family.js';
// decode() of the core knows every built-in family: registering them is this import's side
// effect. A value import (not a bare one), so the core's .d.ts files stay free of theirs.
import { familyForProtocol as familiesRegistered } from './families/registry.js';
void familiesRegistered;
export { decode, type DecodeOptions } from './decode.js';
export { familyForProtocol, registerFamily } from './schema/registry.js';
