// Per-device IP configuration notices: RTM_*NETCONF (netconfmsg + NETCONFA_*, linux/netconf.h).
import { attrSet } from '../../schema/define.js';

/** NETCONFA_*; NETCONFA_IFINDEX is -1 for "all" and -2 for "default". */
export const netconfAttrs = attrSet('netconf', {
  ifindex: { id: 1, type: 's32' },
  forwarding: { id: 2, type: 's32' },
  rpFilter: { id: 3, type: 's32' },
  mcForwarding: { id: 4, type: 's32' },
  proxyNeigh: { id: 5, type: 's32' },
  ignoreRoutesWithLinkdown: { id: 6, type: 's32' },
  input: { id: 7, type: 's32' },
  bcForwarding: { id: 8, type: 's32' },
  // newer than the 6.1 headers (6.17)
  forceForwarding: { id: 9, type: 's32' },
});
