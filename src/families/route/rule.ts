// Policy routing rules: RTM_NEWRULE/DELRULE/GETRULE (fib_rule_hdr + FRA_*, linux/fib_rules.h).
import { attrSet, defineStruct } from '../../schema/define.js';
import { rtProtocol, rtTable } from './constants.js';

/** struct fib_rule_uid_range (FRA_UID_RANGE). */
export const fibRuleUidRange = defineStruct('fib_rule_uid_range', [
  { name: 'start', type: 'u32' },
  { name: 'end', type: 'u32' },
]);

/** struct fib_rule_port_range (FRA_SPORT_RANGE, FRA_DPORT_RANGE), in host order. */
export const fibRulePortRange = defineStruct('fib_rule_port_range', [
  { name: 'start', type: 'u16' },
  { name: 'end', type: 'u16' },
]);

/** FRA_*. */
export const ruleAttrs = attrSet('rule', {
  dst: { id: 1, type: 'ip' },
  src: { id: 2, type: 'ip' },
  iifname: { id: 3, type: 'string' },
  goto: { id: 4, type: 'u32' },
  // FRA_UNUSED2..5 once held DECnet and other fields; nothing sends them
  unused2: { id: 5, type: 'binary' },
  priority: { id: 6, type: 'u32' },
  unused3: { id: 7, type: 'binary' },
  unused4: { id: 8, type: 'binary' },
  unused5: { id: 9, type: 'binary' },
  fwmark: { id: 10, type: 'u32' },
  /** Realms: (from << 16) | to. */
  flow: { id: 11, type: 'u32' },
  tunId: { id: 12, type: 'u64', byteOrder: 'big-endian' },
  suppressIfgroup: { id: 13, type: 'u32' },
  suppressPrefixlen: { id: 14, type: 'u32' },
  table: { id: 15, type: 'u32', enum: rtTable },
  fwmask: { id: 16, type: 'u32' },
  oifname: { id: 17, type: 'string' },
  pad: { id: 18, type: 'binary' },
  l3mdev: { id: 19, type: 'u8' },
  uidRange: { id: 20, type: 'struct', struct: fibRuleUidRange },
  protocol: { id: 21, type: 'u8', enum: rtProtocol },
  ipProto: { id: 22, type: 'u8' },
  sportRange: { id: 23, type: 'struct', struct: fibRulePortRange },
  dportRange: { id: 24, type: 'struct', struct: fibRulePortRange },
  // newer than the 6.1 headers (6.13 - 6.15)
  dscp: { id: 25, type: 'u8' },
  flowlabel: { id: 26, type: 'u32', byteOrder: 'big-endian' },
  flowlabelMask: { id: 27, type: 'u32', byteOrder: 'big-endian' },
  sportMask: { id: 28, type: 'u16' },
  dportMask: { id: 29, type: 'u16' },
  dscpMask: { id: 30, type: 'u8' },
});
