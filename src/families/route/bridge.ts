// Bridge declarations (linux/if_link.h IFLA_BR_* / IFLA_BRPORT_*, linux/if_bridge.h): the bridge
// device options, bridge port options (IFLA_INFO_SLAVE_DATA and, in AF_BRIDGE link messages,
// IFLA_PROTINFO), the AF_BRIDGE IFLA_AF_SPEC (VLANs, MRP, CFM, MST), the MDB and the VLAN database
// (RTM_*MDB, RTM_*VLAN) and the bridge extended statistics.
import { attrSet, defineFlags, defineStruct } from '../../schema/define.js';
import { bridgeVlanInfo, iflaBridgeId, rtProtocol } from './constants.js';

/** IFLA_BR_MCAST_QUERIER_STATE, BRIDGE_VLANDB_GOPTS_MCAST_QUERIER_STATE (BRIDGE_QUERIER_*). */
export const bridgeQuerierAttrs = attrSet('bridge-querier', {
  ipAddress: { id: 1, type: 'ipv4' },
  ipPort: { id: 2, type: 'u32' },
  ipOtherTimer: { id: 3, type: 'u64' },
  pad: { id: 4, type: 'binary' },
  ipv6Address: { id: 5, type: 'ipv6' },
  ipv6Port: { id: 6, type: 'u32' },
  ipv6OtherTimer: { id: 7, type: 'u64' },
});

/** struct br_boolopt_multi (IFLA_BR_MULTI_BOOLOPT); bits are BR_BOOLOPT_*. */
export const brBooloptMulti = defineStruct('br_boolopt_multi', [
  { name: 'optval', type: 'u32' },
  { name: 'optmask', type: 'u32' },
]);

/** IFLA_INFO_DATA of kind 'bridge' (IFLA_BR_*). Timers are in clock_t (USER_HZ) units. */
export const bridgeAttrs = attrSet('linkinfo-bridge', {
  forwardDelay: { id: 1, type: 'u32' },
  helloTime: { id: 2, type: 'u32' },
  maxAge: { id: 3, type: 'u32' },
  ageingTime: { id: 4, type: 'u32' },
  stpState: { id: 5, type: 'u32' },
  priority: { id: 6, type: 'u16' },
  vlanFiltering: { id: 7, type: 'u8' },
  vlanProtocol: { id: 8, type: 'u16', byteOrder: 'big-endian' },
  groupFwdMask: { id: 9, type: 'u16' },
  rootId: { id: 10, type: 'struct', struct: iflaBridgeId },
  bridgeId: { id: 11, type: 'struct', struct: iflaBridgeId },
  rootPort: { id: 12, type: 'u16' },
  rootPathCost: { id: 13, type: 'u32' },
  topologyChange: { id: 14, type: 'u8' },
  topologyChangeDetected: { id: 15, type: 'u8' },
  helloTimer: { id: 16, type: 'u64' },
  tcnTimer: { id: 17, type: 'u64' },
  topologyChangeTimer: { id: 18, type: 'u64' },
  gcTimer: { id: 19, type: 'u64' },
  groupAddr: { id: 20, type: 'mac' },
  fdbFlush: { id: 21, type: 'flag' },
  mcastRouter: { id: 22, type: 'u8' },
  mcastSnooping: { id: 23, type: 'u8' },
  mcastQueryUseIfaddr: { id: 24, type: 'u8' },
  mcastQuerier: { id: 25, type: 'u8' },
  mcastHashElasticity: { id: 26, type: 'u32' },
  mcastHashMax: { id: 27, type: 'u32' },
  mcastLastMemberCnt: { id: 28, type: 'u32' },
  mcastStartupQueryCnt: { id: 29, type: 'u32' },
  mcastLastMemberIntvl: { id: 30, type: 'u64' },
  mcastMembershipIntvl: { id: 31, type: 'u64' },
  mcastQuerierIntvl: { id: 32, type: 'u64' },
  mcastQueryIntvl: { id: 33, type: 'u64' },
  mcastQueryResponseIntvl: { id: 34, type: 'u64' },
  mcastStartupQueryIntvl: { id: 35, type: 'u64' },
  nfCallIptables: { id: 36, type: 'u8' },
  nfCallIp6tables: { id: 37, type: 'u8' },
  nfCallArptables: { id: 38, type: 'u8' },
  vlanDefaultPvid: { id: 39, type: 'u16' },
  pad: { id: 40, type: 'binary' },
  vlanStatsEnabled: { id: 41, type: 'u8' },
  mcastStatsEnabled: { id: 42, type: 'u8' },
  mcastIgmpVersion: { id: 43, type: 'u8' },
  mcastMldVersion: { id: 44, type: 'u8' },
  vlanStatsPerPort: { id: 45, type: 'u8' },
  multiBoolopt: { id: 46, type: 'struct', struct: brBooloptMulti },
  mcastQuerierState: { id: 47, type: 'nest', set: bridgeQuerierAttrs },
  // newer than the 6.1 headers (6.8)
  fdbNLearned: { id: 48, type: 'u32' },
  fdbMaxLearned: { id: 49, type: 'u32' },
});

/** Bridge port options: IFLA_INFO_SLAVE_DATA of a bridge port, IFLA_PROTINFO of AF_BRIDGE links. */
export const bridgePortAttrs = attrSet('bridge-port', {
  state: { id: 1, type: 'u8' },
  priority: { id: 2, type: 'u16' },
  cost: { id: 3, type: 'u32' },
  mode: { id: 4, type: 'u8' },
  guard: { id: 5, type: 'u8' },
  protect: { id: 6, type: 'u8' },
  fastLeave: { id: 7, type: 'u8' },
  learning: { id: 8, type: 'u8' },
  unicastFlood: { id: 9, type: 'u8' },
  proxyarp: { id: 10, type: 'u8' },
  learningSync: { id: 11, type: 'u8' },
  proxyarpWifi: { id: 12, type: 'u8' },
  rootId: { id: 13, type: 'struct', struct: iflaBridgeId },
  bridgeId: { id: 14, type: 'struct', struct: iflaBridgeId },
  designatedPort: { id: 15, type: 'u16' },
  designatedCost: { id: 16, type: 'u16' },
  id: { id: 17, type: 'u16' },
  no: { id: 18, type: 'u16' },
  topologyChangeAck: { id: 19, type: 'u8' },
  configPending: { id: 20, type: 'u8' },
  messageAgeTimer: { id: 21, type: 'u64' },
  forwardDelayTimer: { id: 22, type: 'u64' },
  holdTimer: { id: 23, type: 'u64' },
  flush: { id: 24, type: 'flag' },
  multicastRouter: { id: 25, type: 'u8' },
  pad: { id: 26, type: 'binary' },
  mcastFlood: { id: 27, type: 'u8' },
  mcastToUcast: { id: 28, type: 'u8' },
  vlanTunnel: { id: 29, type: 'u8' },
  bcastFlood: { id: 30, type: 'u8' },
  groupFwdMask: { id: 31, type: 'u16' },
  neighSuppress: { id: 32, type: 'u8' },
  isolated: { id: 33, type: 'u8' },
  backupPort: { id: 34, type: 'u32' },
  mrpRingOpen: { id: 35, type: 'u8' },
  mrpInOpen: { id: 36, type: 'u8' },
  mcastEhtHostsLimit: { id: 37, type: 'u32' },
  mcastEhtHostsCnt: { id: 38, type: 'u32' },
  locked: { id: 39, type: 'u8' },
  // newer than the 6.1 headers (6.2 - 6.5)
  mab: { id: 40, type: 'u8' },
  mcastNGroups: { id: 41, type: 'u32' },
  mcastMaxGroups: { id: 42, type: 'u32' },
  neighVlanSuppress: { id: 43, type: 'u8' },
  backupNhid: { id: 44, type: 'u32' },
});

// ---- IFLA_AF_SPEC of AF_BRIDGE links (IFLA_BRIDGE_*) -----------------------------------------

const vlanTunnelInfoAttrs = attrSet('bridge-vlan-tunnel-info', {
  id: { id: 1, type: 'u32' },
  vid: { id: 2, type: 'u16' },
  flags: { id: 3, type: 'u16' },
});

// MRP (IEC 62439-2) and CFM (802.1Q) objects; a dump with RTEXT_FILTER_MRP/CFM_* fills the *_INFO ones.
const mrpInstanceAttrs = attrSet('bridge-mrp-instance', {
  ringId: { id: 1, type: 'u32' }, pIfindex: { id: 2, type: 'u32' }, sIfindex: { id: 3, type: 'u32' }, prio: { id: 4, type: 'u16' },
});
const mrpPortStateAttrs = attrSet('bridge-mrp-port-state', { state: { id: 1, type: 'u32' } });
const mrpPortRoleAttrs = attrSet('bridge-mrp-port-role', { role: { id: 1, type: 'u32' } });
const mrpRingStateAttrs = attrSet('bridge-mrp-ring-state', { ringId: { id: 1, type: 'u32' }, state: { id: 2, type: 'u32' } });
const mrpRingRoleAttrs = attrSet('bridge-mrp-ring-role', { ringId: { id: 1, type: 'u32' }, role: { id: 2, type: 'u32' } });
const mrpStartTestAttrs = attrSet('bridge-mrp-start-test', {
  ringId: { id: 1, type: 'u32' }, interval: { id: 2, type: 'u32' }, maxMiss: { id: 3, type: 'u32' },
  period: { id: 4, type: 'u32' }, monitor: { id: 5, type: 'u32' },
});
const mrpInfoAttrs = attrSet('bridge-mrp-info', {
  ringId: { id: 1, type: 'u32' }, pIfindex: { id: 2, type: 'u32' }, sIfindex: { id: 3, type: 'u32' },
  prio: { id: 4, type: 'u16' }, ringState: { id: 5, type: 'u32' }, ringRole: { id: 6, type: 'u32' },
  testInterval: { id: 7, type: 'u32' }, testMaxMiss: { id: 8, type: 'u32' }, testMonitor: { id: 9, type: 'u32' },
  iIfindex: { id: 10, type: 'u32' }, inState: { id: 11, type: 'u32' }, inRole: { id: 12, type: 'u32' },
  inTestInterval: { id: 13, type: 'u32' }, inTestMaxMiss: { id: 14, type: 'u32' },
});
const mrpInRoleAttrs = attrSet('bridge-mrp-in-role', {
  ringId: { id: 1, type: 'u32' }, inId: { id: 2, type: 'u16' }, role: { id: 3, type: 'u32' }, iIfindex: { id: 4, type: 'u32' },
});
const mrpInStateAttrs = attrSet('bridge-mrp-in-state', { inId: { id: 1, type: 'u32' }, state: { id: 2, type: 'u32' } });
const mrpStartInTestAttrs = attrSet('bridge-mrp-start-in-test', {
  inId: { id: 1, type: 'u32' }, interval: { id: 2, type: 'u32' }, maxMiss: { id: 3, type: 'u32' }, period: { id: 4, type: 'u32' },
});
/** Attribute set `bridge-mrp` (linux/if_bridge.h). */
export const bridgeMrpAttrs = attrSet('bridge-mrp', {
  instance: { id: 1, type: 'nest', set: mrpInstanceAttrs },
  portState: { id: 2, type: 'nest', set: mrpPortStateAttrs },
  portRole: { id: 3, type: 'nest', set: mrpPortRoleAttrs },
  ringState: { id: 4, type: 'nest', set: mrpRingStateAttrs },
  ringRole: { id: 5, type: 'nest', set: mrpRingRoleAttrs },
  startTest: { id: 6, type: 'nest', set: mrpStartTestAttrs },
  info: { id: 7, type: 'nest', set: mrpInfoAttrs, multi: true },
  inRole: { id: 8, type: 'nest', set: mrpInRoleAttrs },
  inState: { id: 9, type: 'nest', set: mrpInStateAttrs },
  startInTest: { id: 10, type: 'nest', set: mrpStartInTestAttrs },
});

const cfmMepCreateAttrs = attrSet('bridge-cfm-mep-create', {
  instance: { id: 1, type: 'u32' }, domain: { id: 2, type: 'u32' }, direction: { id: 3, type: 'u32' }, ifindex: { id: 4, type: 'u32' },
});
const cfmMepDeleteAttrs = attrSet('bridge-cfm-mep-delete', { instance: { id: 1, type: 'u32' } });
const cfmMepConfigAttrs = attrSet('bridge-cfm-mep-config', {
  instance: { id: 1, type: 'u32' }, unicastMac: { id: 2, type: 'mac' }, mdlevel: { id: 3, type: 'u32' }, mepid: { id: 4, type: 'u32' },
});
const cfmCcConfigAttrs = attrSet('bridge-cfm-cc-config', {
  instance: { id: 1, type: 'u32' }, enable: { id: 2, type: 'u32' }, expInterval: { id: 3, type: 'u32' }, expMaid: { id: 4, type: 'binary' },
});
const cfmCcPeerMepAttrs = attrSet('bridge-cfm-cc-peer-mep', { instance: { id: 1, type: 'u32' }, mepid: { id: 2, type: 'u32' } });
const cfmCcRdiAttrs = attrSet('bridge-cfm-cc-rdi', { instance: { id: 1, type: 'u32' }, rdi: { id: 2, type: 'u32' } });
const cfmCcCcmTxAttrs = attrSet('bridge-cfm-cc-ccm-tx', {
  instance: { id: 1, type: 'u32' }, dmac: { id: 2, type: 'mac' }, seqNoUpdate: { id: 3, type: 'u32' },
  period: { id: 4, type: 'u32' }, ifTlv: { id: 5, type: 'u32' }, ifTlvValue: { id: 6, type: 'u8' },
  portTlv: { id: 7, type: 'u32' }, portTlvValue: { id: 8, type: 'u8' },
});
const cfmMepStatusAttrs = attrSet('bridge-cfm-mep-status', {
  instance: { id: 1, type: 'u32' }, opcodeUnexpSeen: { id: 2, type: 'u32' },
  versionUnexpSeen: { id: 3, type: 'u32' }, rxLevelLowSeen: { id: 4, type: 'u32' },
});
const cfmCcPeerStatusAttrs = attrSet('bridge-cfm-cc-peer-status', {
  instance: { id: 1, type: 'u32' }, peerMepid: { id: 2, type: 'u32' }, ccmDefect: { id: 3, type: 'u32' },
  rdi: { id: 4, type: 'u32' }, portTlvValue: { id: 5, type: 'u8' }, ifTlvValue: { id: 6, type: 'u8' },
  seen: { id: 7, type: 'u32' }, tlvSeen: { id: 8, type: 'u32' }, seqUnexpSeen: { id: 9, type: 'u32' },
});
/** Attribute set `bridge-cfm` (linux/if_bridge.h). */
export const bridgeCfmAttrs = attrSet('bridge-cfm', {
  mepCreate: { id: 1, type: 'nest', set: cfmMepCreateAttrs },
  mepDelete: { id: 2, type: 'nest', set: cfmMepDeleteAttrs },
  mepConfig: { id: 3, type: 'nest', set: cfmMepConfigAttrs },
  ccConfig: { id: 4, type: 'nest', set: cfmCcConfigAttrs },
  ccPeerMepAdd: { id: 5, type: 'nest', set: cfmCcPeerMepAttrs },
  ccPeerMepRemove: { id: 6, type: 'nest', set: cfmCcPeerMepAttrs },
  ccRdi: { id: 7, type: 'nest', set: cfmCcRdiAttrs },
  ccCcmTx: { id: 8, type: 'nest', set: cfmCcCcmTxAttrs },
  mepCreateInfo: { id: 9, type: 'nest', set: cfmMepCreateAttrs, multi: true },
  mepConfigInfo: { id: 10, type: 'nest', set: cfmMepConfigAttrs, multi: true },
  ccConfigInfo: { id: 11, type: 'nest', set: cfmCcConfigAttrs, multi: true },
  ccRdiInfo: { id: 12, type: 'nest', set: cfmCcRdiAttrs, multi: true },
  ccCcmTxInfo: { id: 13, type: 'nest', set: cfmCcCcmTxAttrs, multi: true },
  ccPeerMepInfo: { id: 14, type: 'nest', set: cfmCcPeerMepAttrs, multi: true },
  mepStatusInfo: { id: 15, type: 'nest', set: cfmMepStatusAttrs, multi: true },
  ccPeerStatusInfo: { id: 16, type: 'nest', set: cfmCcPeerStatusAttrs, multi: true },
});

const mstEntryAttrs = attrSet('bridge-mst-entry', { msti: { id: 1, type: 'u16' }, state: { id: 2, type: 'u8' } });
/** Attribute set `bridge-mst` (linux/if_bridge.h). */
export const bridgeMstAttrs = attrSet('bridge-mst', { entry: { id: 1, type: 'nest', set: mstEntryAttrs, multi: true } });

/** IFLA_AF_SPEC of AF_BRIDGE link messages, and the AF_BRIDGE entry of the per-family IFLA_AF_SPEC. */
export const bridgeAfSpecAttrs = attrSet('bridge-af-spec', {
  flags: { id: 0, type: 'u16', flags: defineFlags('bridge-flags', { master: 1, self: 2 }) },
  mode: { id: 1, type: 'u16' },
  vlanInfo: { id: 2, type: 'struct', struct: bridgeVlanInfo, multi: true },
  vlanTunnelInfo: { id: 3, type: 'nest', set: vlanTunnelInfoAttrs, multi: true },
  mrp: { id: 4, type: 'nest', set: bridgeMrpAttrs },
  cfm: { id: 5, type: 'nest', set: bridgeCfmAttrs },
  mst: { id: 6, type: 'nest', set: bridgeMstAttrs },
});

// ---- MDB (RTM_*MDB) -----------------------------------------------------------------------------

/** struct br_port_msg (the RTM_*MDB family header; 3 bytes of padding after family). */
export const brPortMsg = defineStruct('br_port_msg', [
  { name: 'family', type: 'u8' },
  { name: 'pad', type: 'pad', len: 3 },
  { name: 'ifindex', type: 'u32' },
]);

/** struct br_mdb_entry; `addr` is the group (IPv4, IPv6 or MAC) in a 16-byte union. */
export const brMdbEntry = defineStruct('br_mdb_entry', [
  { name: 'ifindex', type: 'u32' },
  { name: 'state', type: 'u8' },
  { name: 'flags', type: 'u8', flags: defineFlags('mdb-flags', { offload: 1, fast_leave: 2, star_excl: 4, blocked: 8 }) },
  { name: 'vid', type: 'u16' },
  { name: 'addr', type: 'binary', len: 16 },
  { name: 'proto', type: 'u16', byteOrder: 'big-endian' },
  { name: 'pad', type: 'pad', len: 2 },
]);

const mdbSrcAttrs = attrSet('mdb-src', { address: { id: 1, type: 'ip' }, timer: { id: 2, type: 'u32' } });
const mdbSrcListAttrs = attrSet('mdb-src-list', { entry: { id: 1, type: 'nest', set: mdbSrcAttrs, multi: true } });
/** MDBA_MDB_EATTR_*: what follows the br_mdb_entry inside MDBA_MDB_ENTRY_INFO. */
const mdbEntryExtraAttrs = attrSet('mdb-eattr', {
  timer: { id: 1, type: 'u32' },
  srcList: { id: 2, type: 'nest', set: mdbSrcListAttrs },
  groupMode: { id: 3, type: 'u8' },
  source: { id: 4, type: 'ip' },
  rtprot: { id: 5, type: 'u8', enum: rtProtocol },
  // newer than the 6.1 headers (6.4, VXLAN MDB)
  dst: { id: 6, type: 'ip' },
  dstPort: { id: 7, type: 'u16', byteOrder: 'big-endian' },
  vni: { id: 8, type: 'u32' },
  ifindex: { id: 9, type: 'u32' },
  srcVni: { id: 10, type: 'u32' },
});
const mdbEntryAttrs = attrSet('mdb-entry', {
  info: { id: 1, type: 'nest', header: brMdbEntry, set: mdbEntryExtraAttrs, multi: true },
});
const mdbAttrs = attrSet('mdb-mdb', { entry: { id: 1, type: 'nest', set: mdbEntryAttrs, multi: true } });
const mdbRouterPortAttrs = attrSet('mdb-router-pattr', {
  timer: { id: 1, type: 'u32' },
  type: { id: 2, type: 'u8' },
  inetTimer: { id: 3, type: 'u32' },
  inet6Timer: { id: 4, type: 'u32' },
  vid: { id: 5, type: 'u16' },
});
const mdbRouterPortHeader = defineStruct('mdb_router_port', [{ name: 'ifindex', type: 'u32' }]);
/** MDBA_ROUTER: router ports, each an ifindex followed by MDBA_ROUTER_PATTR_*. */
export const mdbRouterAttrs = attrSet('mdb-router', {
  port: { id: 1, type: 'nest', header: mdbRouterPortHeader, set: mdbRouterPortAttrs, multi: true },
});
/**
 * RTM_NEWMDB/DELMDB as the kernel sends them (dumps, notifications). Requests use the same
 * message types with MDBA_SET_ENTRY (a struct) instead and do not decode with this set.
 */
export const mdbMessageAttrs = attrSet('mdb', {
  mdb: { id: 1, type: 'nest', set: mdbAttrs },
  router: { id: 2, type: 'nest', set: mdbRouterAttrs },
});

// ---- VLAN database (RTM_*VLAN) ------------------------------------------------------------------

/** struct br_vlan_msg. */
export const brVlanMsg = defineStruct('br_vlan_msg', [
  { name: 'family', type: 'u8' },
  { name: 'reserved1', type: 'u8' },
  { name: 'reserved2', type: 'u16' },
  { name: 'ifindex', type: 'u32' },
]);
const vlanDbTunnelInfoAttrs = attrSet('bridge-vlandb-tinfo', { id: { id: 1, type: 'u32' }, cmd: { id: 2, type: 'u32' } });
const vlanDbStatsAttrs = attrSet('bridge-vlandb-stats', {
  rxBytes: { id: 1, type: 'u64' }, rxPackets: { id: 2, type: 'u64' },
  txBytes: { id: 3, type: 'u64' }, txPackets: { id: 4, type: 'u64' }, pad: { id: 5, type: 'binary' },
});
const vlanDbEntryAttrs = attrSet('bridge-vlandb-entry', {
  info: { id: 1, type: 'struct', struct: bridgeVlanInfo },
  range: { id: 2, type: 'u16' },
  state: { id: 3, type: 'u8' },
  tunnelInfo: { id: 4, type: 'nest', set: vlanDbTunnelInfoAttrs },
  stats: { id: 5, type: 'nest', set: vlanDbStatsAttrs },
  mcastRouter: { id: 6, type: 'u8' },
  // newer than the 6.1 headers (6.3 - 6.5)
  mcastNGroups: { id: 7, type: 'u32' },
  mcastMaxGroups: { id: 8, type: 'u32' },
  neighSuppress: { id: 9, type: 'u8' },
});
const vlanDbGlobalOptionsAttrs = attrSet('bridge-vlandb-gopts', {
  id: { id: 1, type: 'u16' },
  range: { id: 2, type: 'u16' },
  mcastSnooping: { id: 3, type: 'u8' },
  mcastIgmpVersion: { id: 4, type: 'u8' },
  mcastMldVersion: { id: 5, type: 'u8' },
  mcastLastMemberCnt: { id: 6, type: 'u32' },
  mcastStartupQueryCnt: { id: 7, type: 'u32' },
  mcastLastMemberIntvl: { id: 8, type: 'u64' },
  pad: { id: 9, type: 'binary' },
  mcastMembershipIntvl: { id: 10, type: 'u64' },
  mcastQuerierIntvl: { id: 11, type: 'u64' },
  mcastQueryIntvl: { id: 12, type: 'u64' },
  mcastQueryResponseIntvl: { id: 13, type: 'u64' },
  mcastStartupQueryIntvl: { id: 14, type: 'u64' },
  mcastQuerier: { id: 15, type: 'u8' },
  mcastRouterPorts: { id: 16, type: 'nest', set: mdbRouterAttrs },
  mcastQuerierState: { id: 17, type: 'nest', set: bridgeQuerierAttrs },
  msti: { id: 18, type: 'u16' },
});
/** RTM_NEWVLAN/DELVLAN (BRIDGE_VLANDB_*). */
export const vlanDbAttrs = attrSet('bridge-vlandb', {
  entry: { id: 1, type: 'nest', set: vlanDbEntryAttrs, multi: true },
  globalOptions: { id: 2, type: 'nest', set: vlanDbGlobalOptionsAttrs, multi: true },
});
/** RTM_GETVLAN dump requests (BRIDGE_VLANDB_DUMP_*). */
export const vlanDbDumpAttrs = attrSet('bridge-vlandb-dump', {
  flags: { id: 1, type: 'u32', flags: defineFlags('bridge-vlandb-dumpf', { stats: 1, global: 2 }) },
});

// ---- extended statistics (LINK_XSTATS_TYPE_BRIDGE) ----------------------------------------------

const bridgeVlanXstats = defineStruct('bridge_vlan_xstats', [
  { name: 'rxBytes', type: 'u64' }, { name: 'rxPackets', type: 'u64' },
  { name: 'txBytes', type: 'u64' }, { name: 'txPackets', type: 'u64' },
  { name: 'vid', type: 'u16' }, { name: 'flags', type: 'u16' }, { name: 'pad2', type: 'pad', len: 4 },
]);
/** struct br_mcast_stats; the [2] arrays are [rx, tx]. */
const brMcastStats = defineStruct('br_mcast_stats', [
  ...(['igmpV1queries', 'igmpV2queries', 'igmpV3queries', 'igmpLeaves', 'igmpV1reports', 'igmpV2reports', 'igmpV3reports'] as const)
    .flatMap((n) => [{ name: `${n}Rx`, type: 'u64' }, { name: `${n}Tx`, type: 'u64' }] as const),
  { name: 'igmpParseErrors', type: 'u64' },
  ...(['mldV1queries', 'mldV2queries', 'mldLeaves', 'mldV1reports', 'mldV2reports'] as const)
    .flatMap((n) => [{ name: `${n}Rx`, type: 'u64' }, { name: `${n}Tx`, type: 'u64' }] as const),
  { name: 'mldParseErrors', type: 'u64' },
  { name: 'mcastBytesRx', type: 'u64' }, { name: 'mcastBytesTx', type: 'u64' },
  { name: 'mcastPacketsRx', type: 'u64' }, { name: 'mcastPacketsTx', type: 'u64' },
]);
const bridgeStpXstats = defineStruct('bridge_stp_xstats', [
  { name: 'transitionBlk', type: 'u64' }, { name: 'transitionFwd', type: 'u64' },
  { name: 'rxBpdu', type: 'u64' }, { name: 'txBpdu', type: 'u64' },
  { name: 'rxTcn', type: 'u64' }, { name: 'txTcn', type: 'u64' },
]);
/** BRIDGE_XSTATS_*. */
export const bridgeXstatsAttrs = attrSet('bridge-xstats', {
  vlan: { id: 1, type: 'struct', struct: bridgeVlanXstats, multi: true },
  mcast: { id: 2, type: 'struct', struct: brMcastStats },
  pad: { id: 3, type: 'binary' },
  stp: { id: 4, type: 'struct', struct: bridgeStpXstats },
});
