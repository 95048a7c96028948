// WireGuard over generic netlink (linux/wireguard.h): device and peer configuration. Peers and
// allowed IPs are nested arrays; a peer's endpoint is a struct sockaddr_in/sockaddr_in6.
import { formatIPv4, formatIPv6, parseIP } from '../../core/addr.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { attrSet, defineFlags, defineStruct } from '../../schema/define.js';
import type { ValueCodec } from '../../schema/types.js';
import { defineGenlFamily, getOp, setOp } from './define.js';

/** Size of a WireGuard key (Curve25519), bytes. */
export const WG_KEY_LEN = 32;
const AF_INET = 2;
const AF_INET6 = 10;

/** Flags `wgdevice-flags` (linux/wireguard.h): bits by name. */
export const wgDeviceFlags = defineFlags('wgdevice-flags', { replace_peers: 1 });
/** Flags `wgpeer-flags` (linux/wireguard.h): bits by name. */
export const wgPeerFlags = defineFlags('wgpeer-flags', { remove_me: 1, replace_allowedips: 2, update_only: 4 });

/** struct __kernel_timespec */
export const kernelTimespec = defineStruct('__kernel_timespec', [
  { name: 'sec', type: 's64' },
  { name: 'nsec', type: 's64' },
]);

/** A peer endpoint (a struct sockaddr_in or sockaddr_in6), decoded. */
export interface SockaddrValue { address: string; port: number }

/** struct sockaddr_in / sockaddr_in6 as { address, port } (the port in host order). */
export const sockaddrCodec: ValueCodec<SockaddrValue> = {
  name: 'sockaddr',
  decode(p, ctx) {
    const v = dataView(p);
    const family = p.length >= 2 ? v.getUint16(0, true) : -1;
    if (family === AF_INET && p.length >= 8) return { address: formatIPv4(p, 4), port: v.getUint16(2, false) };
    if (family === AF_INET6 && p.length >= 24) return { address: formatIPv6(p, 8), port: v.getUint16(2, false) };
    throw new DecodeError('attr-bad-size', ctx.offset, `sockaddr of family ${family} in ${p.length} bytes`);
  },
  byteLength(value) { return parseIP(value.address)?.length === 4 ? 16 : 28; },
  encodeInto(value, view, offset) {
    const a = parseIP(value.address);
    if (!a) throw new TypeError(`sockaddr: '${value.address}' is not an IP address`);
    const size = a.length === 4 ? 16 : 28;
    for (let i = 0; i < size; i++) view.setUint8(offset + i, 0);
    view.setUint16(offset, a.length === 4 ? AF_INET : AF_INET6, true);
    view.setUint16(offset + 2, value.port, false);
    new Uint8Array(view.buffer, view.byteOffset + offset + (a.length === 4 ? 4 : 8), a.length).set(a);
    return offset + size;
  },
};

/** Attribute set `wgallowedip` (linux/wireguard.h). */
export const wgAllowedIp = attrSet('wgallowedip', {
  family: { id: 1, type: 'u16' },
  ipaddr: { id: 2, type: 'ip' },
  cidrMask: { id: 3, type: 'u8' },
});

/** Attribute set `wgpeer` (linux/wireguard.h). */
export const wgPeer = attrSet('wgpeer', {
  publicKey: { id: 1, type: 'binary' },
  presharedKey: { id: 2, type: 'binary' },
  flags: { id: 3, type: 'u32', flags: wgPeerFlags },
  endpoint: { id: 4, type: 'custom', codec: sockaddrCodec },
  persistentKeepaliveInterval: { id: 5, type: 'u16' },
  lastHandshakeTime: { id: 6, type: 'struct', struct: kernelTimespec },
  rxBytes: { id: 7, type: 'u64' },
  txBytes: { id: 8, type: 'u64' },
  allowedips: { id: 9, type: 'indexed-array', item: wgAllowedIp },
  protocolVersion: { id: 10, type: 'u32' },
});

/** Attribute set `wgdevice` (linux/wireguard.h). */
export const wgDevice = attrSet('wgdevice', {
  ifindex: { id: 1, type: 'u32' },
  ifname: { id: 2, type: 'string' },
  privateKey: { id: 3, type: 'binary' },
  publicKey: { id: 4, type: 'binary' },
  flags: { id: 5, type: 'u32', flags: wgDeviceFlags },
  listenPort: { id: 6, type: 'u16' },
  fwmark: { id: 7, type: 'u32' },
  peers: { id: 8, type: 'indexed-array', item: wgPeer },
});

/** The WireGuard generic netlink family (get and set a device, its peers and allowed IPs). */
export const wireguard = defineGenlFamily({
  name: 'wireguard',
  version: 1,
  enumPrefix: 'WG_CMD_',
  ops: {
    /** Dump only: a device's configuration may span several messages. */
    getDevice: getOp(0, wgDevice, { do: false }),
    setDevice: setOp(1, wgDevice),
  },
});
