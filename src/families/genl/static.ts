// Generic netlink messages whose type number is fixed: nlctrl (GENL_ID_CTRL = 0x10). Other genl
// families get their number at run time (resolved with nlctrl), see genl/resolve.ts.
import { registerFamily } from '../../schema/registry.js';
import { attrSet, defineStruct } from '../../schema/define.js';
import { defineMessage, type MessageFamily } from '../../schema/family.js';
import { Protocol } from '../../core/constants.js';

/** The controller's fixed family id (nlctrl): every other id is resolved through it. */
export const GENL_ID_CTRL = 0x10;

/** Struct `genlmsghdr` (linux/genetlink.h), field by field. */
export const genlmsghdr = defineStruct('genlmsghdr', [
  { name: 'cmd', type: 'u8' },
  { name: 'version', type: 'u8' },
  { name: 'reserved', type: 'u16' },
]);

/** nlctrl commands (CTRL_CMD_*). */
export const CTRL_CMD = {
  UNSPEC: 0, NEWFAMILY: 1, DELFAMILY: 2, GETFAMILY: 3, NEWOPS: 4, DELOPS: 5, GETOPS: 6,
  NEWMCAST_GRP: 7, DELMCAST_GRP: 8, GETMCAST_GRP: 9, GETPOLICY: 10,
} as const;

/** Attribute set `ctrl-op` (linux/genetlink.h). */
export const ctrlOpAttrs = attrSet('ctrl-op', {
  id: { id: 1, type: 'u32' },
  flags: { id: 2, type: 'u32' },
});
/** Attribute set `ctrl-mcast-grp` (linux/genetlink.h). */
export const ctrlMcastGroupAttrs = attrSet('ctrl-mcast-grp', {
  name: { id: 1, type: 'string' },
  id: { id: 2, type: 'u32' },
});
/** Attribute set `ctrl-policy` (linux/genetlink.h). */
export const ctrlPolicyAttrs = attrSet('ctrl-policy', {
  type: { id: 1, type: 'u32' },
  minValueS: { id: 2, type: 's64' },
  maxValueS: { id: 3, type: 's64' },
  minValueU: { id: 4, type: 'u64' },
  maxValueU: { id: 5, type: 'u64' },
  minLength: { id: 6, type: 'u32' },
  maxLength: { id: 7, type: 'u32' },
  policyIdx: { id: 8, type: 'u32' },
  policyMaxtype: { id: 9, type: 'u32' },
  bitfield32Mask: { id: 10, type: 'u32' },
  pad: { id: 11, type: 'binary' },
  mask: { id: 12, type: 'u64' },
});
/** CTRL_ATTR_POLICY: policy index → attribute type → policy. */
export const ctrlPolicyByAttr = attrSet('ctrl-policy-by-attr', {});
/** Attribute set `ctrl-op-policy` (linux/genetlink.h). */
export const ctrlOpPolicyAttrs = attrSet('ctrl-op-policy', {
  do: { id: 1, type: 'u32' },
  dump: { id: 2, type: 'u32' },
});

/** Attribute set `ctrl` (linux/genetlink.h). */
export const ctrlAttrs = attrSet('ctrl', {
  familyId: { id: 1, type: 'u16' },
  familyName: { id: 2, type: 'string' },
  version: { id: 3, type: 'u32' },
  hdrsize: { id: 4, type: 'u32' },
  maxattr: { id: 5, type: 'u32' },
  ops: { id: 6, type: 'indexed-array', item: ctrlOpAttrs, indexBase: 1 },
  mcastGroups: { id: 7, type: 'indexed-array', item: ctrlMcastGroupAttrs, indexBase: 1 },
  policy: { id: 8, type: 'binary' },
  opPolicy: { id: 9, type: 'binary' },
  op: { id: 10, type: 'u32' },
});

/** The declaration of nlctrl's messages (genlmsghdr and CTRL_ATTR_*). */
export const ctrlMessage = defineMessage({ name: 'nlctrl', type: GENL_ID_CTRL, header: genlmsghdr, attrs: ctrlAttrs });

/** What decodes generic netlink before any family is resolved: nlctrl, and a genlmsghdr for everything else. */
export const genericStatic: MessageFamily = {
  name: 'generic',
  protocol: Protocol.GENERIC,
  messages: [ctrlMessage],
  defaultHeaderSize: 4,
};

// Importing this module makes these the default declarations of the protocol.
registerFamily(genericStatic);
