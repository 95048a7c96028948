// mptcp_pm over generic netlink (linux/mptcp.h): the in-kernel MPTCP path manager's endpoints
// and limits (what `ip mptcp endpoint|limits` drive).
import { attrSet, defineFlags } from '../../schema/define.js';
import { defineGenlFamily, getOp, setOp } from './define.js';

/** MPTCP_PM_ADDR_FLAG_* */
export const mptcpAddrFlags = defineFlags('mptcp-pm-addr-flags', {
  signal: 1, subflow: 2, backup: 4, fullmesh: 8, implicit: 16,
});

/** An endpoint address (MPTCP_PM_ADDR_ATTR_*). */
export const mptcpAddress = attrSet('mptcp-pm-address', {
  family: { id: 1, type: 'u16' },
  id: { id: 2, type: 'u8' },
  addr4: { id: 3, type: 'ipv4' },
  addr6: { id: 4, type: 'ipv6' },
  port: { id: 5, type: 'u16' },
  flags: { id: 6, type: 'u32', flags: mptcpAddrFlags },
  ifIdx: { id: 7, type: 's32' },
});

/** Attribute set `mptcp-pm` (linux/mptcp_pm.h). */
export const mptcpAttrs = attrSet('mptcp-pm', {
  addr: { id: 1, type: 'nest', set: mptcpAddress },
  rcvAddAddrs: { id: 2, type: 'u32' },
  subflows: { id: 3, type: 'u32' },
  token: { id: 4, type: 'u32' },
  locId: { id: 5, type: 'u8' },
  addrRemote: { id: 6, type: 'nest', set: mptcpAddress },
});

/** The MPTCP path manager family (`ip mptcp`): endpoints, limits, announcements. */
export const mptcpPm = defineGenlFamily({
  name: 'mptcp_pm',
  version: 1,
  enumPrefix: 'MPTCP_PM_CMD_',
  mcastGroups: ['mptcp_pm_cmds', 'mptcp_pm_events'],
  ops: {
    addAddr: setOp(1, mptcpAttrs),
    delAddr: setOp(2, mptcpAttrs),
    getAddr: getOp(3, mptcpAttrs),
    flushAddrs: setOp(4, mptcpAttrs),
    setLimits: setOp(5, mptcpAttrs),
    getLimits: getOp(6, mptcpAttrs, { dump: false }),
    setFlags: setOp(7, mptcpAttrs),
    announce: setOp(8, mptcpAttrs),
    remove: setOp(9, mptcpAttrs),
    subflowCreate: setOp(10, mptcpAttrs),
    subflowDestroy: setOp(11, mptcpAttrs),
  },
});
