/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/codec`: the pure-TypeScript codec. No Node-only APIs and no socket code: it runs in
 * browsers too, and needs neither the native addon nor (with engine 'js') WebAssembly. It decodes
 * rtnetlink by default; other protocols decode with the declarations their entry registers, or
 * with `decode(bytes, { family })`.
 *
 * @module nlwire/codec
 */
export * from './core/constants.js';
export * from './core/errors.js';
export { errnoName, errnoText, errnoNumber } from './core/errno.js';
export { decodeHeader, encodeHeader, flagNames, flagsToString, dataView, type MessageHeader, type FlagsContext } from './core/header.js';
export { AttributeScanner, AttributeBuilder, RawBytes, Concat, type Encodable } from './core/attr.js';
export { MessageBuilder, splitMessages, type RawMessage } from './core/message.js';
export { decodeErrorPayload, decodeDonePayload, decodeExtack, decodeErrorMessage, type ErrorMessage, type DoneMessage } from './core/nlmsgerr.js';
export { formatIP, formatIPv4, formatIPv6, formatHex, parseIP, parseIPv4, parseIPv6, parsePrefix } from './core/addr.js';
export { parseHex, toHex } from './core/hex.js';
export * from './schema/types.js';
export { attrSet, defineEnum, defineFlags, defineStruct, enumName, enumValue, flagNamesOf, flagsValue, looseKey } from './schema/define.js';
export { decodeAttrs, decodeAttrsInterpreted, encodeAttrs, decodeStruct, encodeStructInto, WIRE_ORDER, wireOrderOf, MAX_NEST_DEPTH } from './schema/engine.js';
export { setCompiledDecoders, compiledDecodersActive, codegenAvailable } from './schema/compile.js';
export { ColumnExtractor, type ColumnSpec, type ColumnTable, type Column, type BigColumn, type ColumnEngine } from './schema/columns.js';
export { MessageView, MessageViews } from './schema/view.js';
export { jsonSafe } from './core/json.js';
export { defineMessage, buildMessage, decodeAll, decodeMessageAt, compileFamily, DataMessage, type MessageDef, type MessageFamily, type DecodedMessage, type BuildInput } from './schema/family.js';
export { describeFamily, type FamilyDescription } from './schema/describe.js';
export { names, attrNames, structNames, type Names, type NamedInput } from './schema/names.js';
export { decode, decodeAsync, decodeViews, appendViews, decodeEach, defaultEngine, type DecodeOptions, type EachMessage } from './decode.js';
export { createWalker, headerTable, WalkIndex, WalkStatus, walkStatusText, type WalkEngine, type Walker } from './walk/index.js';
export { PcapWriter, readPcap } from './pcap/pcap.js';
export { familyForProtocol, registerFamily } from './families/registry.js';
// The rtnetlink declarations as one family (the flat tables are in 'nlwire/route').
export { rtnetlink, rtnetlinkMessages } from './families/route/index.js';
