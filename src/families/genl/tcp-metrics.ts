// tcp_metrics over generic netlink (linux/tcp_metrics.h): the per-destination TCP metrics cache.
import { attrSet } from '../../schema/define.js';
import { defineGenlFamily, getOp, setOp } from './define.js';

/**
 * TCP_METRICS_ATTR_VALS: one u32 per metric, typed TCP_METRIC_* + 1. Values are the kernel's:
 * rttUs is the smoothed RTT x8 and rttvarUs the variance x4 (µs), as in struct tcp_sock; rtt and
 * rttvar are milliseconds. `ip tcp_metrics` prints rttUs >> 3 and rttvarUs >> 2.
 */
export const tcpMetricsVals = attrSet('tcp-metrics-vals', {
  rtt: { id: 1, type: 'u32' },
  rttvar: { id: 2, type: 'u32' },
  ssthresh: { id: 3, type: 'u32' },
  cwnd: { id: 4, type: 'u32' },
  reordering: { id: 5, type: 'u32' },
  rttUs: { id: 6, type: 'u32' },
  rttvarUs: { id: 7, type: 'u32' },
});

/** Attribute set `tcp-metrics` (linux/tcp_metrics.h). */
export const tcpMetricsAttrs = attrSet('tcp-metrics', {
  addrIpv4: { id: 1, type: 'ipv4' },
  addrIpv6: { id: 2, type: 'ipv6' },
  /** Milliseconds since the entry was updated. */
  age: { id: 3, type: 'u64' },
  twTsval: { id: 4, type: 'u32' },
  twTsStamp: { id: 5, type: 's32' },
  vals: { id: 6, type: 'nest', set: tcpMetricsVals },
  fopenMss: { id: 7, type: 'u16' },
  fopenSynDrops: { id: 8, type: 'u16' },
  fopenSynDropTs: { id: 9, type: 'u64' },
  fopenCookie: { id: 10, type: 'binary' },
  saddrIpv4: { id: 11, type: 'ipv4' },
  saddrIpv6: { id: 12, type: 'ipv6' },
  pad: { id: 13, type: 'binary' },
});

/** The TCP metrics cache (`ip tcp_metrics`): per-destination RTT, cwnd and more. */
export const tcpMetrics = defineGenlFamily({
  name: 'tcp_metrics',
  version: 1,
  enumPrefix: 'TCP_METRICS_CMD_',
  ops: {
    get: getOp(1, tcpMetricsAttrs),
    del: setOp(2, tcpMetricsAttrs),
  },
});
