// netdev over generic netlink (linux/netdev.h): device XDP capabilities, queues, NAPI instances,
// page pools; notifications on the 'mgmt' and 'page-pool' groups.
import { attrSet, defineEnum } from '../../schema/define.js';
import { defineGenlFamily, event, getOp } from './define.js';

/** Enum `netdev-queue-type` (the kernel's netdev spec): values by name. */
export const netdevQueueType = defineEnum('netdev-queue-type', { rx: 0, tx: 1 });

/** Bits of xdpFeatures (enum netdev_xdp_act). */
export const NETDEV_XDP_ACT = {
  basic: 1n << 0n, redirect: 1n << 1n, ndoXmit: 1n << 2n, xskZerocopy: 1n << 3n, hwOffload: 1n << 4n, rxSg: 1n << 5n, ndoXmitSg: 1n << 6n,
} as const;

/** Attribute set `netdev-dev` (the kernel's netdev spec). */
export const netdevDev = attrSet('netdev-dev', {
  ifindex: { id: 1, type: 'u32' },
  pad: { id: 2, type: 'binary' },
  xdpFeatures: { id: 3, type: 'u64' },
  xdpZcMaxSegs: { id: 4, type: 'u32' },
  xdpRxMetadataFeatures: { id: 5, type: 'u64' },
  xskFeatures: { id: 6, type: 'u64' },
});

/** Attribute set `netdev-page-pool` (the kernel's netdev spec). */
export const netdevPagePool = attrSet('netdev-page-pool', {
  id: { id: 1, type: 'uint' },
  ifindex: { id: 2, type: 'u32' },
  napiId: { id: 3, type: 'uint' },
  inflight: { id: 4, type: 'uint' },
  inflightMem: { id: 5, type: 'uint' },
  detachTime: { id: 6, type: 'uint' },
  dmabuf: { id: 7, type: 'u32' },
});

/** Attribute set `netdev-napi` (the kernel's netdev spec). */
export const netdevNapi = attrSet('netdev-napi', {
  ifindex: { id: 1, type: 'u32' },
  id: { id: 2, type: 'u32' },
  irq: { id: 3, type: 'u32' },
  pid: { id: 4, type: 'u32' },
  deferHardIrqs: { id: 5, type: 'u32' },
  groFlushTimeout: { id: 6, type: 'uint' },
});

/** Attribute set `netdev-queue` (the kernel's netdev spec). */
export const netdevQueue = attrSet('netdev-queue', {
  id: { id: 1, type: 'u32' },
  ifindex: { id: 2, type: 'u32' },
  type: { id: 3, type: 'u32', enum: netdevQueueType },
  napiId: { id: 4, type: 'u32' },
  dmabuf: { id: 5, type: 'u32' },
});

/** The netdev family: device features (XDP, ...), queues and NAPI instances. */
export const netdev = defineGenlFamily({
  name: 'netdev',
  version: 1,
  enumPrefix: 'NETDEV_CMD_',
  mcastGroups: ['mgmt', 'page-pool'],
  ops: {
    devGet: getOp(1, netdevDev),
    pagePoolGet: getOp(5, netdevPagePool),
    queueGet: getOp(10, netdevQueue),
    napiGet: getOp(11, netdevNapi),
  },
  events: {
    devAddNtf: event(2, netdevDev, 'mgmt'),
    devDelNtf: event(3, netdevDev, 'mgmt'),
    devChangeNtf: event(4, netdevDev, 'mgmt'),
    pagePoolAddNtf: event(6, netdevPagePool, 'page-pool'),
    pagePoolDelNtf: event(7, netdevPagePool, 'page-pool'),
    pagePoolChangeNtf: event(8, netdevPagePool, 'page-pool'),
  },
});
