// Network namespace ids: RTM_NEWNSID/DELNSID/GETNSID (rtgenmsg + NETNSA_*, linux/net_namespace.h).
import { attrSet } from '../../schema/define.js';

/** NETNSA_*; an nsid of -1 (NETNSA_NSID_NOT_ASSIGNED) means none. */
export const nsidAttrs = attrSet('nsid', {
  nsid: { id: 1, type: 's32' },
  pid: { id: 2, type: 'u32' },
  fd: { id: 3, type: 'u32' },
  targetNsid: { id: 4, type: 's32' },
  currentNsid: { id: 5, type: 's32' },
});
