// Addresses: RTM_*ADDR, RTM_*MULTICAST, RTM_*ANYCAST (ifaddrmsg + IFA_*, linux/if_addr.h), plus the
// IPv6 address labels (RTM_*ADDRLABEL, linux/if_addrlabel.h) and prefix notices (RTM_NEWPREFIX).
import { attrSet, defineStruct } from '../../schema/define.js';
import { addressFamily, ifaFlags, ifaProto } from './constants.js';

/** struct ifa_cacheinfo: lifetimes in seconds (0xffffffff = forever), stamps in 1/100 s. */
export const ifaCacheinfo = defineStruct('ifa_cacheinfo', [
  { name: 'prefered', type: 'u32' },
  { name: 'valid', type: 'u32' },
  { name: 'cstamp', type: 'u32' },
  { name: 'tstamp', type: 'u32' },
]);

/** IFA_*. */
export const addressAttrs = attrSet('address', {
  address: { id: 1, type: 'ip' },
  local: { id: 2, type: 'ip' },
  label: { id: 3, type: 'string' },
  broadcast: { id: 4, type: 'ip' },
  anycast: { id: 5, type: 'ip' },
  cacheinfo: { id: 6, type: 'struct', struct: ifaCacheinfo },
  multicast: { id: 7, type: 'ip' },
  /** All the IFA_F_* bits (ifa_flags in the header holds only the low 8). */
  flags: { id: 8, type: 'u32', flags: ifaFlags },
  rtPriority: { id: 9, type: 'u32' },
  targetNetnsid: { id: 10, type: 's32' },
  proto: { id: 11, type: 'u8', enum: ifaProto },
});

/** struct ifaddrlblmsg: RTM_*ADDRLABEL. */
export const ifaddrlblmsg = defineStruct('ifaddrlblmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'reserved', type: 'u8' },
  { name: 'prefixlen', type: 'u8' },
  { name: 'flags', type: 'u8' },
  { name: 'index', type: 'u32' },
  { name: 'seq', type: 'u32' },
]);
/** IFAL_*. */
export const addrlabelAttrs = attrSet('addrlabel', {
  address: { id: 1, type: 'ipv6' },
  label: { id: 2, type: 'u32' },
});

/** struct prefixmsg: RTM_NEWPREFIX (IPv6 router advertisement prefixes). */
export const prefixmsg = defineStruct('prefixmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
  { name: 'ifindex', type: 's32' },
  { name: 'type', type: 'u8' },
  { name: 'len', type: 'u8' },
  { name: 'flags', type: 'u8' },
  { name: 'pad3', type: 'pad', len: 1 },
]);
/** PREFIX_*. */
export const prefixAttrs = attrSet('prefix', {
  address: { id: 1, type: 'ipv6' },
  cacheinfo: {
    id: 2, type: 'struct',
    struct: defineStruct('prefix_cacheinfo', [{ name: 'preferredTime', type: 'u32' }, { name: 'validTime', type: 'u32' }]),
  },
});
