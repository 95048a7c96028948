// Which declarations decode which netlink protocol by default. Lower layers (the socket, decode())
// look families up here; family modules register themselves (src/families/registry.ts registers
// the built-in ones), so nothing below families/ imports them.
import { Protocol } from '../core/constants.js';
import type { MessageFamily } from './family.js';

/** Fixed-header sizes of protocols whose messages are not all declared (for walking attributes). */
const DEFAULT_HEADER: Record<number, number | undefined> = {
  [Protocol.GENERIC]: 4, // genlmsghdr
  [Protocol.NETFILTER]: 4, // nfgenmsg
};

const byProtocol = new Map<number, MessageFamily>();

/** Makes `family` the default declarations of its protocol (or of `protocol`). */
export function registerFamily(family: MessageFamily, protocol: number = family.protocol): void {
  byProtocol.set(protocol, family);
}

/** The registered family for a protocol, or a bare one (control messages, raw payloads) otherwise. */
export function familyForProtocol(protocol: number): MessageFamily {
  const f = byProtocol.get(protocol);
  if (f) return f;
  const d = DEFAULT_HEADER[protocol];
  return d === undefined ? { name: `protocol ${protocol}`, protocol, messages: [] } : { name: `protocol ${protocol}`, protocol, messages: [], defaultHeaderSize: d };
}
