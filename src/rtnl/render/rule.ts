// ip rule (print_rule() of ip/iprule.c): priority, selectors, the table looked up or the action.
import { AF_INET, AF_INET6, fibRuleFlags, frAction, rtnType, rtProtocol } from '../../families/route/constants.js';
import { IP_PROTOS, LINK_GROUPS } from '../ip-names.js';
import type { Rule } from '../types.js';
import { dsfieldName, rtnTypeName, rtProtoName, rtRealmName, rtTableName, type IpRenderOptions, type Shown } from './context.js';
import { C_IFNAME, familyColor, hex, print, s32, type Printer } from './printer.js';

function printRule(p: Printer, r: Shown<Rule>, opts: IpRenderOptions): void {
  const a = r.attrs;
  const { family, flags, action, srcLen, dstLen } = r.header;
  const ff = fibRuleFlags.values;
  const hl = family === AF_INET ? 32 : family === AF_INET6 ? 128 : -1;
  p.open(null);
  p.any('priority', '%s:\t', a.priority ?? 0);
  if (flags & ff.invert) p.nul('not', 'not ');
  // "from all" for no source; "0/LEN" for a prefix without an address; no "/LEN" for a host
  const selector = (key: string, word: string, addr: string | undefined, len: number, always: boolean): void => {
    if (addr !== undefined) {
      p.fp(word);
      p.cany(familyColor(family), key, '%s', addr);
      if (len !== hl) p.any(`${key}len`, '/%s', len);
    } else if (len) {
      p.any(key, `${word}%s`, '0');
      p.any(`${key}len`, '/%s', len);
    } else if (always) p.any(key, `${word}%s`, 'all');
  };
  selector('src', 'from ', a.src, srcLen, true);
  selector('dst', ' to ', a.dst, dstLen, false);
  const tos = r.header.tos;
  if (tos) p.any('tos', ' tos %s', dsfieldName(tos, opts));
  if (a.fwmark !== undefined || a.fwmask !== undefined) {
    const mark = a.fwmark ?? 0;
    const mask = a.fwmask;
    p.any('fwmark', ' fwmark %s', hex(mark >>> 0));
    if (mask !== undefined && mask >>> 0 !== 0xffffffff) p.any('fwmask', '/%s', hex(mask >>> 0));
  }
  if (a.iifname !== undefined) {
    p.fp(' iif ');
    p.cany(C_IFNAME, 'iif', '%s', a.iifname);
    if (flags & ff.iif_detached) p.nul('iif_detached', ' [detached]');
  }
  if (a.oifname !== undefined) {
    p.fp(' oif ');
    p.cany(C_IFNAME, 'oif', '%s', a.oifname);
    if (flags & ff.oif_detached) p.nul('oif_detached', ' [detached]');
  }
  if (a.l3mdev) p.nul('l3mdev', ' lookup [l3mdev-table]');
  const uid = a.uidRange;
  if (uid) { p.any('uid_start', ' uidrange %s', uid.start); p.any('uid_end', '-%s', uid.end); }
  if (a.ipProto !== undefined) {
    const proto = a.ipProto;
    p.any('ipproto', ' ipproto %s', (opts.numeric ? undefined : IP_PROTOS[proto]) ?? `ipproto-${proto}`);
  }
  for (const [key, label] of [['sportRange', 'sport'], ['dportRange', 'dport']] as const) {
    const pr = a[key];
    if (!pr) continue;
    if (pr.start === pr.end) p.any(label, ` ${label} %s`, pr.start);
    else { p.any(`${label}_start`, ` ${label} %s`, pr.start); p.any(`${label}_end`, '-%s', pr.end); }
  }
  if (a.tunId !== undefined) p.any('tun_id', ' tun_id %s', Number(a.tunId));
  const table = a.table ?? r.header.table;
  if (table) {
    p.any('table', ' lookup %s', rtTableName(table, opts));
    const spl = a.suppressPrefixlen;
    if (spl !== undefined && s32(spl) !== -1) p.any('suppress_prefixlen', ' suppress_prefixlength %s', s32(spl));
    const sig = a.suppressIfgroup;
    if (sig !== undefined && s32(sig) !== -1) p.any('suppress_ifgroup', ' suppress_ifgroup %s', opts.numeric ? String(sig) : LINK_GROUPS[sig] ?? String(sig));
  }
  if (a.flow !== undefined) {
    const from = a.flow >>> 16, to = a.flow & 0xffff;
    if (from) p.any('flow_from', ' realms %s/', rtRealmName(from, opts));
    else p.fp(' realms ');
    p.any('flow_to', '%s', rtRealmName(to, opts));
  }
  // ip compares the action with RTN_NAT, a route type no FR_ACT_* has
  if (action === rtnType.values.nat) {
    p.any('nat', ' map-to %s', '0.0.0.0');
  } else if (action === frAction.values.goto) {
    if (a.goto !== undefined) p.any('goto', ' goto %s', a.goto);
    else p.any('goto', ' goto %s', 'none');
    if (flags & ff.unresolved) p.nul('unresolved', ' [unresolved]');
  } else if (action === frAction.values.nop) p.nul('nop', ' nop');
  else if (action !== frAction.values.to_tbl) p.any('action', ' %s', rtnTypeName(action, opts));
  if (a.protocol !== undefined) {
    const proto = a.protocol;
    if ((proto && proto !== rtProtocol.values.kernel) || opts.details) p.any('protocol', ' proto %s', rtProtoName(proto, opts));
  }
  p.fp('\n');
  p.close();
}

/** `ip -j [-4|-6] rule show`. */
export function renderRules(rules: readonly Shown<Rule>[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => { for (const r of rules) printRule(p, r, opts); }).out;
}
/** `ip rule show`. */
export function renderRulesText(rules: readonly Shown<Rule>[], opts: IpRenderOptions = {}): string {
  return print(false, (p) => { for (const r of rules) printRule(p, r, opts); }, opts.color).text;
}
