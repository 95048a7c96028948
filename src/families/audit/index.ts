// Audit (NETLINK_AUDIT): the audit status (AUDIT_GET → struct audit_status). UAPI: linux/audit.h.
// Needs CAP_AUDIT_CONTROL in the initial user namespace. The kernel answers an AUDIT_GET that asks
// for an ACK with the ACK *before* the reply, so the request asks for the reply only.
import { registerFamily } from '../../schema/registry.js';
import { Protocol } from '../../core/constants.js';
import { MessageBuilder } from '../../core/message.js';
import { defineFlags, defineStruct } from '../../schema/define.js';
import { defineMessage, type MessageFamily } from '../../schema/family.js';
import type { StructValue } from '../../schema/types.js';
import { withSocket, type FamilyCallOptions } from '../diag/shared.js';

/** AUDIT_GET: ask for the audit status. */
export const AUDIT_GET = 1000;
/** AUDIT_SET: change the audit status (enabled, pid, rate limit, ...). */
export const AUDIT_SET = 1001;

/** Flags `audit_status_mask` (linux/audit.h): bits by name. */
export const AuditStatusMask = defineFlags('audit_status_mask', {
  ENABLED: 0x1, FAILURE: 0x2, PID: 0x4, RATE_LIMIT: 0x8, BACKLOG_LIMIT: 0x10, BACKLOG_WAIT_TIME: 0x20, LOST: 0x40, BACKLOG_WAIT_TIME_ACTUAL: 0x80,
});

/** struct audit_status (44 bytes; older kernels send fewer fields, which then are absent). */
export const auditStatusStruct = defineStruct('audit_status', [
  { name: 'mask', type: 'u32', flags: AuditStatusMask },
  { name: 'enabled', type: 'u32' },
  { name: 'failure', type: 'u32' },
  { name: 'pid', type: 'u32' },
  { name: 'rateLimit', type: 'u32' },
  { name: 'backlogLimit', type: 'u32' },
  { name: 'lost', type: 'u32' },
  { name: 'backlog', type: 'u32' },
  { name: 'featureBitmap', type: 'u32' },
  { name: 'backlogWaitTime', type: 'u32' },
  { name: 'backlogWaitTimeActual', type: 'u32' },
]);
/** The kernel's audit status (struct audit_status), field by field. */
export type AuditStatus = StructValue<typeof auditStatusStruct>;

/** Every declared audit message, by name (typed: use them with buildMessage). */
export const auditMessages = {
  GET: defineMessage({ name: 'AUDIT_GET', type: AUDIT_GET, header: auditStatusStruct, attrs: undefined, action: 'get' }),
  SET: defineMessage({ name: 'AUDIT_SET', type: AUDIT_SET, header: auditStatusStruct, attrs: undefined, action: 'set' }),
} as const;
/** The audit declarations as one family, for decode() and sockets. */
export const auditFamily: MessageFamily = { name: 'audit', protocol: Protocol.AUDIT, messages: Object.values(auditMessages) };

/** The kernel's audit status (`auditctl -s`). */
export async function auditStatus(opts: FamilyCallOptions = {}): Promise<AuditStatus> {
  return withSocket(Protocol.AUDIT, opts, async (sock) => {
    const r = await sock.request(new MessageBuilder(AUDIT_GET, 0), { expect: 'reply', operation: 'AUDIT_GET', ...(opts.timeout ? { timeout: opts.timeout } : {}) });
    const m = r.messages.find((x) => x.kind === 'data' && x.nlmsg.type === AUDIT_GET);
    if (!m || m.kind !== 'data' || !m.header) throw new Error('AUDIT_GET: no audit_status in the reply');
    return m.header as AuditStatus;
  }, auditFamily);
}

/** `auditctl -s` style text. */
export function auditStatusText(s: AuditStatus): string {
  return [
    `enabled ${s.enabled}`, `failure ${s.failure}`, `pid ${s.pid}`, `rate_limit ${s.rateLimit}`, `backlog_limit ${s.backlogLimit}`,
    `lost ${s.lost}`, `backlog ${s.backlog}`, `backlog_wait_time ${s.backlogWaitTime ?? 0}`, `backlog_wait_time_actual ${s.backlogWaitTimeActual ?? 0}`,
  ].join('\n');
}

// Importing this module makes these the default declarations of the protocol.
registerFamily(auditFamily);
