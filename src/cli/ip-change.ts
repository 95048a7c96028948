// The change verbs (add, set, replace, delete ...) of link, address, route, neigh, rule and nexthop,
// in ip's grammar. Every word is parsed first, with ip's parsers and messages (values.ts); devices
// are then looked up with ip's "Cannot find device" exits; only then is anything sent.
import { parsePrefix } from '../core/addr.js';
import { NetlinkError } from '../core/errors.js';
import type { AddressOptions, LinkChanges, LinkSpec, NeighbourSpec, NexthopSpec, RouteSpec, Rtnl, RuleSpec, Family } from '../rtnl/rtnl.js';
import { usageExit } from './ip-usage.js';
import { IpExit, UsageError } from './io.js';
import { macvlanMode, rtnetlinkMessages as M } from '../families/route/index.js';
import { buildMessage } from '../schema/family.js';
import { firstMatch, matches, type Verb, Words } from './ip-words.js';
import { parseKindWords } from './link-kinds.js';
import {
  badAddress, badPrefix, duplicateArgument, invarg, ipAddress, ipPrefix, isRouteTypeName, parseDsfield, parseInteger, parseIpProto, parseLifetime,
  parsePortRange, parseProtocol, parseRouteType, parseRttTime, parseScope, parseTable, parseUidRange, parseUnsigned,
  unsignedOr, U16, U32, U8, parseGroup,
} from './values.js';

/** How ip reports a device it cannot find at this place of the grammar. */
type Missing = 'nodev' | 'nodev255' | 'invarg';
interface DevRef { name: string; missing: Missing }

/** Checks every named device exists, exiting as ip does for the first that does not. */
async function checkDevices(rt: Rtnl, refs: DevRef[]): Promise<void> {
  for (const r of refs) {
    try { await rt.link(r.name); } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'ENODEV') throw e;
      if (r.missing === 'invarg') invarg('Device does not exist\n', r.name);
      throw new IpExit(`Cannot find device "${r.name}"\n`, r.missing === 'nodev' ? 1 : 255);
    }
  }
}

function notSupported(object: string, word: string): never {
  throw new UsageError(`${object}: "${word}" is an ip keyword nlwire does not implement yet`);
}

/** get_prefix(): the canonical text of what ip reads (so '010.0.0.0/010' is 8.0.0.0/8, as ip installs it). */
function prefixOf(arg: string, family?: Family): string {
  if (arg === 'default' || arg === 'all' || arg === 'any') return 'default';
  const p = ipPrefix(arg, family);
  if (!p) badPrefix(arg, family === 4 ? 'inet' : family === 6 ? 'inet6' : 'any');
  return p.text;
}
/** get_addr(): the canonical text of what ip reads. */
function addressOf(arg: string, family?: Family, kind: 'any' | 'inet' = 'any'): string {
  const a = ipAddress(arg, family);
  if (!a) badAddress(arg, family === 4 ? 'inet' : family === 6 ? 'inet6' : kind);
  return a.text;
}
const famOf = (addr: string): Family => (addr.includes(':') ? 6 : 4);

function lladdr(arg: string): string {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(arg)) throw new IpExit(`"${arg}" is invalid lladdr.\n`, 1);
  return arg;
}

// ---- link ------------------------------------------------------------------------------------------

interface LinkWords { dev?: string; changes: LinkChanges; type?: string; kindWords: string[]; link?: string; refs: DevRef[]; group?: number }

/** iplink_parse(): the words before `type KIND` (or all of them); the rest belongs to the kind. */
function parseLinkWords(w: Words, creating: boolean): LinkWords {
  const out: LinkWords = { changes: {}, kindWords: [], refs: [] };
  while (!w.done) {
    const word = w.next();
    if (word === 'up') out.changes.up = true;
    else if (word === 'down') out.changes.up = false;
    else if (word === 'name') out.changes.name = w.value();
    else if (matches(word, 'link')) { out.link = w.value(); out.refs.push({ name: out.link, missing: 'nodev' }); }
    else if (matches(word, 'address')) out.changes.address = lladdr(w.value());
    else if (matches(word, 'txqueuelen') || word === 'qlen' || matches(word, 'txqlen')) out.changes.txqlen = unsignedOr(w.value(), 'Invalid "txqueuelen" value\n');
    else if (word === 'mtu') {
      const v = w.value();
      const n = parseInteger(v, 0);
      if (n === undefined) invarg('Invalid "mtu" value\n', v);
      out.changes.mtu = n >>> 0; // ip sends the int's bits; the kernel refuses what is out of range
    } else if (word === 'netns') {
      if (out.changes.netns !== undefined) duplicateArgument('netns', w.peek() ?? '');
      out.changes.netns = w.value();
    } else if (word === 'master') { out.changes.master = w.value(); out.refs.push({ name: out.changes.master, missing: 'invarg' }); }
    else if (word === 'nomaster') out.changes.master = null;
    else if (matches(word, 'alias')) out.changes.alias = w.value();
    else if (word === 'type') { out.type = w.value(); out.kindWords = w.rest(); }
    else if (word === 'group') { const v = w.value(); const g = parseGroup(v); if (g === undefined) invarg('Invalid "group" value\n', v); out.group = g; }
    else if (['broadcast', 'brd', 'index', 'multicast', 'allmulticast', 'promisc', 'trailers', 'arp', 'dynamic', 'mode', 'state',
      'numtxqueues', 'numrxqueues', 'addrgenmode', 'protodown', 'gso_max_size', 'gso_max_segs', 'vf', 'xdp', 'carrier'].includes(word)) notSupported('link', word);
    else {
      const dev = word === 'dev' ? w.value() : word;
      if (out.dev !== undefined) throw new IpExit(`Error: either "dev" is duplicate, or "${dev}" is a garbage.\n`, 255);
      if (dev.length === 0 || dev.length > 15 || /[\s/]/.test(dev) || dev === '.' || dev === '..') invarg('"dev" not a valid ifname', dev);
      out.dev = dev;
      if (!creating) out.refs.push({ name: dev, missing: 'nodev' });
    }
  }
  return out;
}

async function linkCommand(verb: Verb, w: Words, rt: Rtnl): Promise<void> {
  if (verb === 'delete') {
    const p = parseLinkWords(w, false);
    if (!p.dev) throw new IpExit('Not enough information: "dev" argument is required.\n', 255);
    await checkDevices(rt, p.refs);
    await rt.deleteLink(p.dev);
    return;
  }
  if (verb === 'add') {
    const p = parseLinkWords(w, true);
    if (!p.type) throw new IpExit('Not enough information: "type" argument is required\n', 1);
    const name = p.changes.name ?? p.dev;
    if (!name) throw new UsageError('link add: NAME is required (nlwire does not let the kernel pick one)');
    const spec: LinkSpec = { name, type: p.type };
    const c = p.changes;
    if (c.mtu !== undefined) spec.mtu = c.mtu;
    if (c.address !== undefined) spec.address = c.address;
    if (c.master) spec.master = c.master;
    if (c.up) spec.up = true;
    if (typeof c.netns === 'string') spec.netns = c.netns;
    if (c.txqlen !== undefined || c.alias !== undefined) notSupported('link add', c.txqlen !== undefined ? 'txqueuelen' : 'alias');
    const kw = new Words(p.kindWords);
    switch (p.type) {
      case 'veth': case 'vxcan': {
        if (!kw.done) {
          const word = kw.next();
          if (word !== 'peer') throw new UsageError(`link add: a ${p.type} takes "peer [name] NAME", not "${word}"`);
          const peer = parseLinkWords(kw, true);
          const peerName = peer.changes.name ?? peer.dev;
          if (!peerName) throw new UsageError('link add: nlwire needs the peer\'s name (peer NAME)');
          spec.peer = typeof peer.changes.netns === 'string' ? { name: peerName, netns: peer.changes.netns } : { name: peerName };
          p.refs.push(...peer.refs);
        } else throw new UsageError('link add: nlwire needs the peer\'s name (peer NAME)');
        break;
      }
      case 'vxlan': {
        const vx: NonNullable<LinkSpec['vxlan']> = { id: -1 };
        while (!kw.done) {
          const word = kw.next();
          if (matches(word, 'id') || matches(word, 'vni')) {
            const v = kw.value(); const n = parseUnsigned(v, U32, 0);
            if (n === undefined || n >= 1n << 24n) invarg('invalid id', v);
            vx.id = Number(n);
          } else if (matches(word, 'group')) {
            const raw = kw.value(), v = addressOf(raw);
            if (!(famOf(v) === 6 ? /^ff/i.test(v) : (Number(v.split('.')[0]) & 0xf0) === 0xe0)) invarg('invalid group address', raw);
            vx.group = v;
          } else if (matches(word, 'remote')) {
            const raw = kw.value(), v = addressOf(raw);
            if (famOf(v) === 6 ? /^ff/i.test(v) : (Number(v.split('.')[0]) & 0xf0) === 0xe0) invarg('invalid remote address', raw);
            vx.group = v;
          } else if (matches(word, 'local')) vx.local = addressOf(kw.value());
          else if (matches(word, 'dev')) { vx.dev = kw.value(); p.refs.push({ name: vx.dev, missing: 'nodev255' }); }
          else if (matches(word, 'ttl') || matches(word, 'hoplimit')) {
            const v = kw.value();
            const n = parseUnsigned(v, U32, 0);
            if (n === undefined) invarg('invalid TTL', v);
            if (n > 255n) invarg('TTL must be <= 255', v);
            vx.ttl = Number(n);
          } else if (matches(word, 'dstport')) vx.port = unsignedOr(kw.value(), 'dst port', U16);
          else if (matches(word, 'nolearning')) vx.learning = false;
          else if (matches(word, 'learning')) vx.learning = true;
          else notSupported('link add type vxlan', word);
        }
        if (vx.id < 0) throw new IpExit('vxlan: missing virtual network identifier\n', 255);
        if (p.link && vx.dev === undefined) vx.dev = p.link;
        spec.vxlan = vx;
        break;
      }
      case 'macvlan': case 'macvtap': {
        let mode: NonNullable<LinkSpec['macvlan']>['mode'];
        while (!kw.done) {
          const word = kw.next();
          if (word !== 'mode') notSupported(`link add type ${p.type}`, word);
          const v = kw.value();
          if (!Object.hasOwn(macvlanMode.values, v)) {
            throw new IpExit(`Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "${v}"\n`, 1);
          }
          mode = v as typeof mode;
        }
        if (!p.link) throw new IpExit('Not enough information: "link" argument is required\n', 255);
        spec.macvlan = { link: p.link, ...(mode ? { mode } : {}) };
        break;
      }
      default: {
        const k = parseKindWords(p.type, p.kindWords);
        if (!k) { if (!kw.done) notSupported(`link add type ${p.type}`, kw.next()); break; }
        if (Object.keys(k.data).length) spec.data = k.data;
        if (k.lower) { spec.link = k.lower; p.refs.push({ name: k.lower, missing: 'nodev' }); }
        else if (p.link) spec.link = p.link;
      }
    }
    await checkDevices(rt, p.refs);
    await rt.addLink(spec);
    return;
  }
  if (verb === 'change' || verb === 'replace') {
    const p = parseLinkWords(w, false);
    if (!p.dev && p.group !== undefined && !p.type) return setLinkGroup(rt, p.group, p.changes);
    if (!p.dev) throw new IpExit('Not enough information: "dev" argument is required.\n', 255);
    if (p.type) {
      // iplink_modify(): the kind's words go in IFLA_INFO_DATA of the change
      const k = parseKindWords(p.type, p.kindWords);
      if (!k) notSupported('link set', 'type');
      if (k.lower) notSupported(`link set type ${p.type}`, 'dev');
      let data = k.data;
      if (WHOLE_SET_KINDS.has(p.type)) {
        // a tunnel's changelink takes the whole parameter set (absent ones reset): as ip does, the
        // current parameters are read first and the words change only what they name; the flag
        // words add their bits to the current ones (gre's iflags/oflags)
        const cur = (await rt.link(p.dev)).attrs.linkinfo as { kind?: string; data?: Record<string, unknown> } | undefined;
        if (cur?.kind === p.type && cur.data) {
          data = { ...cur.data, ...k.data };
          for (const f of ['iflags', 'oflags']) {
            if (typeof cur.data[f] === 'number' || typeof k.data[f] === 'number') data[f] = (Number(cur.data[f] ?? 0) | Number(k.data[f] ?? 0)) >>> 0;
          }
        }
      }
      p.changes.kind = Object.keys(data).length ? { type: p.type, data } : { type: p.type };
    }
    await checkDevices(rt, p.refs);
    const { group } = p;
    if (Object.keys(p.changes).length || group === undefined) await rt.setLink(p.dev, p.changes);
    // `group G` with a device: that device joins group G (IFLA_GROUP).
    if (group !== undefined) await rt.socket.request(buildMessage(M.RTM_NEWLINK, { flags: 0, header: { index: (await rt.link(p.dev)).header.index }, attrs: { group } }));
    return;
  }
  throw new UsageError(`link ${verb}: not implemented by nlwire`);
}

/**
 * `link set group G [up|down] [mtu N] [txqueuelen N]` without a device: as ip, one RTM_NEWLINK
 * with ifi_index 0 and IFLA_GROUP, which the kernel applies to every link of the group.
 */
async function setLinkGroup(rt: Rtnl, group: number, c: LinkChanges): Promise<void> {
  const other = Object.keys(c).filter((k) => !['up', 'mtu', 'txqlen'].includes(k));
  if (other.length) throw new UsageError(`link set group: nlwire changes a group's up/down, mtu and txqueuelen, not ${other.join(', ')}`);
  const fixed: Record<string, unknown> = { index: 0 };
  if (c.up !== undefined) { fixed.flags = c.up ? 1 : 0; fixed.change = 1; }
  const attrs: Record<string, unknown> = { group };
  if (c.mtu !== undefined) attrs.mtu = c.mtu;
  if (c.txqlen !== undefined) attrs.txqlen = c.txqlen;
  await rt.socket.request(buildMessage(M.RTM_NEWLINK, { flags: 0, header: fixed, attrs }));
}

// ---- address ----------------------------------------------------------------------------------------

function broadcastOf(local: string, sign: '+' | '-'): string | undefined {
  const p = parsePrefix(local);
  if (!p || p.address.length !== 4 || p.prefixLength >= 31) return undefined;
  const a = (p.address[0]! << 24 | p.address[1]! << 16 | p.address[2]! << 8 | p.address[3]!) >>> 0;
  const mask = p.prefixLength === 0 ? 0 : (0xffffffff << (32 - p.prefixLength)) >>> 0;
  const b = sign === '+' ? (a | ~mask) >>> 0 : (a & mask) >>> 0;
  return [b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.');
}

async function addressCommand(verb: Verb, w: Words, rt: Rtnl, family?: Family, io?: { stderr(s: string): void }): Promise<void> {
  let local: string | undefined, dev: string | undefined, brd: '+' | '-' | undefined;
  const o: AddressOptions = {};
  while (!w.done) {
    const word = w.next();
    if (word === 'peer' || word === 'remote') o.peer = prefixOf(w.value(), family).split('/')[0]!;
    else if (matches(word, 'broadcast') || word === 'brd') {
      const v = w.value();
      if (v === '+' || v === '-') brd = v; else o.broadcast = addressOf(v, family);
    } else if (word === 'scope') {
      const v = w.value();
      if (parseScope(v) === undefined) invarg('invalid scope value.', v);
      notSupported('address', 'scope');
    } else if (word === 'dev') dev = w.value();
    else if (word === 'label') o.label = w.value();
    else if (matches(word, 'metric') || matches(word, 'priority') || matches(word, 'preference')) o.metric = unsignedOr(w.value(), '"metric" value is invalid\n');
    else if (matches(word, 'valid_lft')) { const v = w.value(); const n = parseLifetime(v); if (n === undefined) invarg('valid_lft value', v); o.validLifetime = n; }
    else if (matches(word, 'preferred_lft')) { const v = w.value(); const n = parseLifetime(v); if (n === undefined) invarg('preferred_lft value', v); o.preferredLifetime = n; }
    else if (word === 'nodad') o.noDad = true;
    else if (['anycast', 'home', 'optimistic', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'proto'].includes(word)) notSupported('address', word);
    else {
      const v = word === 'local' ? w.value() : word;
      if (local !== undefined) throw new IpExit(`Error: either "local" is duplicate, or "${v}" is a garbage.\n`, 255);
      local = prefixOf(v, family);
    }
  }
  if (!dev) throw new IpExit('Not enough information: "dev" argument is required.\n', 1);
  if (!local && verb === 'delete') {
    // ip sends the request without an address (family unspecified); the kernel refuses it.
    await checkDevices(rt, [{ name: dev, missing: 'nodev' }]);
    const index = (await rt.link(dev)).header.index;
    await rt.socket.request(buildMessage(M.RTM_DELADDR, { flags: 0, header: { family: 0, prefixlen: 0, flags: 0, scope: 0, index }, attrs: {} }));
    return;
  }
  if (!local) throw new UsageError(`address ${verb}: which ADDRESS[/PREFIX]?`);
  if (o.label !== undefined && !o.label.startsWith(dev)) throw new IpExit(`"dev" (${dev}) must match "label" (${o.label}).\n`, 1);
  if (o.validLifetime !== undefined || o.preferredLifetime !== undefined) {
    // As ip: the one not given is forever; a zero valid_lft or a preferred beyond valid is refused.
    o.validLifetime ??= 0xffffffff;
    o.preferredLifetime ??= 0xffffffff;
    if (o.validLifetime === 0) throw new IpExit('valid_lft is zero\n', 1);
    if (o.validLifetime < o.preferredLifetime) throw new IpExit('preferred_lft is greater than valid_lft\n', 1);
  }
  if (brd) { const b = broadcastOf(local.includes('/') ? local : `${local}/32`, brd); if (b) o.broadcast = b; }
  await checkDevices(rt, [{ name: dev, missing: 'nodev' }]);
  if (verb === 'add') await rt.addAddress(dev, local, o);
  else if (verb === 'replace') await rt.replaceAddress(dev, local, o);
  else if (verb === 'change') await rt.changeAddress(dev, local, o);
  else if (verb === 'delete') await deleteAddressAsIp(rt, dev, local, o, io);
  else throw new UsageError(`address ${verb}: not implemented by nlwire`);
}

/**
 * ipaddr_modify()'s RTM_DELADDR: IFA_ADDRESS is the peer when one is given, else the local
 * address with its prefix length; an IPv4 address without a length is ip's wildcard deletion
 * (IFA_LOCAL only, the first address with that local), with ip's warning.
 */
async function deleteAddressAsIp(rt: Rtnl, dev: string, local: string, o: AddressOptions, io?: { stderr(s: string): void }): Promise<void> {
  const addr = local.split('/')[0]!;
  const p = parsePrefix(local)!;
  const v4 = p.address.length === 4;
  const wildcard = v4 && !local.includes('/') && o.peer === undefined;
  if (wildcard) {
    io?.stderr(`Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${addr}/32) to avoid this warning.\n`
      + '         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n');
  }
  const index = (await rt.link(dev)).header.index;
  const attrs: Record<string, unknown> = { local: addr };
  if (!wildcard) attrs.address = o.peer ?? addr;
  if (o.label !== undefined) attrs.label = o.label;
  const fixed = { family: v4 ? AF_INET : AF_INET6, prefixlen: p.prefixLength, flags: 0, scope: 0, index };
  await rt.socket.request(buildMessage(M.RTM_DELADDR, { flags: 0, header: fixed, attrs }));
}

// ---- route ------------------------------------------------------------------------------------------

/** RTAX_* metrics ip sets: keyword, attribute name, RTAX id, parser (value → number), ip's message. */
const ROUTE_METRICS: ReadonlyArray<readonly [string, string, number, 'exact' | 'prefix', (v: string) => number | undefined, string]> = [
  ['mtu', 'mtu', 2, 'exact', (v) => num(parseUnsigned(v)), '"mtu" value is invalid\n'],
  ['hoplimit', 'hoplimit', 10, 'exact', (v) => { const n = parseUnsigned(v); return n === undefined || n > 255n ? undefined : Number(n); }, '"hoplimit" value is invalid\n'],
  ['advmss', 'advmss', 8, 'exact', (v) => num(parseUnsigned(v)), '"mss" value is invalid\n'],
  ['reordering', 'reordering', 9, 'prefix', (v) => num(parseUnsigned(v)), '"reordering" value is invalid\n'],
  ['rtt', 'rtt', 4, 'exact', (v) => { const t = parseRttTime(v); return t === undefined ? undefined : t.raw ? t.ms : (t.ms * 8) >>> 0; }, '"rtt" value is invalid\n'],
  ['rto_min', 'rtoMin', 13, 'exact', (v) => parseRttTime(v)?.ms, '"rto_min" value is invalid\n'],
  ['window', 'window', 3, 'prefix', (v) => num(parseUnsigned(v)), '"window" value is invalid\n'],
  ['cwnd', 'cwnd', 7, 'prefix', (v) => num(parseUnsigned(v)), '"cwnd" value is invalid\n'],
  ['initcwnd', 'initcwnd', 11, 'prefix', (v) => num(parseUnsigned(v)), '"initcwnd" value is invalid\n'],
  ['initrwnd', 'initrwnd', 14, 'prefix', (v) => num(parseUnsigned(v)), '"initrwnd" value is invalid\n'],
  ['features', 'features', 12, 'prefix', (v) => (v === 'ecn' ? 1 : undefined), '"features" value not valid\n'],
  ['quickack', 'quickack', 15, 'prefix', (v) => num(parseUnsigned(v)), '"quickack" value is invalid\n'],
  ['rttvar', 'rttvar', 5, 'prefix', (v) => { const t = parseRttTime(v); return t === undefined ? undefined : t.raw ? t.ms : (t.ms * 4) >>> 0; }, '"rttvar" value is invalid\n'],
  ['ssthresh', 'ssthresh', 6, 'prefix', (v) => num(parseUnsigned(v)), '"ssthresh" value is invalid\n'],
];
function num(v: bigint | undefined): number | undefined { return v === undefined ? undefined : Number(v); }

interface ParsedRoute { spec: RouteSpec; refs: DevRef[] }

/** iproute_modify()'s grammar. */
export function parseRoute(w: Words, family?: Family): ParsedRoute {
  const s: Partial<RouteSpec> = {};
  // rtm_family as iproute_modify() keeps it: -4/-6, else the family of the first address typed;
  // later addresses are read in that family (`10.0.0.0/8 via fe80::1` is refused, as by ip).
  let fam = family;
  const setFam = (text: string): string => { if (fam === undefined && text !== 'default') fam = famOf(text); return text; };
  /** `via [inet|inet6] ADDRESS`: an explicit family is RTA_VIA's, else rtm_family's. */
  const viaOf = (): string => {
    let v = w.value();
    let viaFamily = fam;
    if (v === 'inet' || v === 'inet6') { viaFamily = v === 'inet' ? 4 : 6; v = w.value(); }
    const a = addressOf(v, viaFamily, 'inet');
    if (fam === undefined) fam = famOf(a);
    return a;
  };
  const refs: DevRef[] = [];
  const metrics: Record<string, number> = {};
  let lock = 0;
  const multipath: NonNullable<RouteSpec['multipath']> = [];
  while (!w.done) {
    const word = w.next();
    const metric = ROUTE_METRICS.find(([k, , , how]) => (how === 'exact' ? word === k : matches(word, k)));
    // ip's chain tests tos/dsfield, expires, metric, scope before the metrics: keep that order.
    if (word === 'src') s.prefsrc = setFam(addressOf(w.value(), fam, 'inet'));
    else if (word === 'via') s.gateway = viaOf();
    else if (word === 'from') s.src = setFam(prefixOf(w.value(), fam));
    else if (word === 'tos' || matches(word, 'dsfield')) { const v = w.value(); if (parseDsfield(v) === undefined) invarg('"tos" value is invalid\n', v); notSupported('route', 'tos'); }
    else if (word === 'expires') { unsignedOr(w.value(), '"expires" value is invalid\n'); notSupported('route', 'expires'); }
    else if (matches(word, 'metric') || matches(word, 'priority') || word === 'preference') s.metric = unsignedOr(w.value(), '"metric" value is invalid\n');
    else if (word === 'scope') { const v = w.value(); const n = parseScope(v); if (n === undefined) invarg('invalid "scope" value\n', v); s.scope = n; }
    else if (metric) {
      let v = w.value();
      if (v === 'lock' && metric[0] !== 'features' && metric[0] !== 'quickack') { lock |= 1 << metric[2]; v = w.value(); }
      const n = metric[4](v);
      if (n === undefined) invarg(metric[5], v);
      if (metric[0] === 'quickack' && n > 1) invarg('"quickack" value should be 0 or 1\n', v);
      metrics[metric[1]] = n;
    } else if (word === 'nexthop') {
      // parse_nexthops(): via, dev, weight up to the next "nexthop".
      while (!w.done) {
        const nh: { gateway?: string; dev?: string; weight?: number; onlink?: boolean } = {};
        while (!w.done && w.peek() !== 'nexthop') {
          const k = w.next();
          if (k === 'via') nh.gateway = viaOf();
          else if (k === 'dev') { nh.dev = w.value(); refs.push({ name: nh.dev, missing: 'nodev255' }); }
          else if (matches(k, 'weight')) {
            const v = w.value(); const n = parseUnsigned(v);
            if (n === undefined || n === 0n || n > 256n) invarg('"weight" is invalid\n', v);
            nh.weight = Number(n);
          } else if (k === 'onlink') nh.onlink = true;
          else if (['realms', 'encap'].includes(k)) notSupported('route nexthop', k);
          else throw new IpExit(`Error: either "to" is duplicate, or "${k}" is a garbage.\n`, 255);
        }
        multipath.push(nh);
        if (!w.done) w.next(); // the next "nexthop"
      }
    } else if (word === 'nhid') s.nhid = unsignedOr(w.value(), '"id" value is invalid\n');
    else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); s.protocol = n; }
    else if (matches(word, 'table')) { const v = w.value(); const n = parseTable(v); if (n === undefined) invarg('"table" value is invalid\n', v); s.table = n; }
    else if (word === 'dev' || word === 'oif') { s.dev = w.value(); refs.push({ name: s.dev, missing: 'nodev' }); }
    else if (matches(word, 'pref')) {
      const v = w.value();
      if (v !== 'low' && v !== 'medium' && v !== 'high') invarg('"pref" value is invalid\n', v);
      s.pref = v;
    } else if (word === 'onlink') s.onlink = true;
    else if (['as', 'realms', 'congctl', 'vrf', 'encap', 'ttl-propagate'].includes(word) || matches(word, 'realms') || matches(word, 'congctl') || matches(word, 'vrf')) notSupported('route', word);
    else if (matches(word, 'fastopen_no_cookie')) {
      const v = w.value(); const n = parseUnsigned(v);
      if (n === undefined) invarg('"fastopen_no_cookie" value is invalid\n', v);
      if (n > 1n) invarg('"fastopen_no_cookie" value should be 0 or 1\n', v);
      metrics.fastopenNoCookie = Number(n);
    } else {
      let v = word === 'to' ? w.value() : word;
      if ((v[0]! < '0' || v[0]! > '9') && parseRouteType(v) !== undefined && isRouteTypeName(v)) {
        s.type = v;
        v = w.value();
      }
      if (s.dst !== undefined) throw new IpExit(`Error: either "to" is duplicate, or "${v}" is a garbage.\n`, 255);
      s.dst = setFam(prefixOf(v, fam));
    }
  }
  if (lock) metrics.lock = lock;
  if (Object.keys(metrics).length) s.metrics = metrics;
  if (multipath.length) s.multipath = multipath;
  // As ip: no destination is a usage error (never an implied `default`, which would change the default route).
  if (s.dst === undefined) usageExit('route'); // ip: its usage (stderr, exit 255)
  return { spec: s as RouteSpec, refs };
}

async function routeCommand(verb: Verb, w: Words, rt: Rtnl, family?: Family): Promise<void> {
  const { spec, refs } = parseRoute(w, family);
  await checkDevices(rt, refs);
  if (verb === 'add') await rt.addRoute(spec);
  else if (verb === 'replace') await rt.replaceRoute(spec);
  else if (verb === 'change') await rt.changeRoute(spec);
  else if (verb === 'prepend') await rt.prependRoute(spec);
  else if (verb === 'append') await rt.appendRoute(spec);
  else if (verb === 'delete') await rt.deleteRoute(spec);
  else throw new UsageError(`route ${verb}: not implemented by nlwire`);
}

// ---- neigh ------------------------------------------------------------------------------------------

const NUD_NAMES = ['permanent', 'reachable', 'noarp', 'none', 'stale', 'incomplete', 'delay', 'probe', 'failed'];
function nudState(arg: string): string | number | undefined {
  if (NUD_NAMES.includes(arg)) return arg;
  const n = parseUnsigned(arg);
  if (n === undefined || n >= 0x100n || (n & (n - 1n)) !== 0n) return undefined;
  return Number(n);
}

async function neighCommand(verb: Verb, w: Words, rt: Rtnl, family?: Family): Promise<void> {
  const s: Partial<NeighbourSpec> & { stateValue?: string | number } = {};
  while (!w.done) {
    const word = w.next();
    if (matches(word, 'lladdr')) s.lladdr = lladdr(w.value());
    else if (word === 'nud') { const v = w.value(); const st = nudState(v); if (st === undefined) invarg('nud state is bad', v); s.stateValue = st; }
    else if (matches(word, 'proxy')) {
      const v = w.value();
      if (s.dst !== undefined) duplicateArgument('address', v);
      s.dst = addressOf(v, family); s.proxy = true;
    } else if (word === 'router') s.router = true;
    else if (matches(word, 'extern_learn') || matches(word, 'protocol')) notSupported('neigh', word);
    else if (word === 'dev') s.dev = w.value();
    else {
      let v = word === 'to' ? w.value() : word;
      if (matches(v, 'help')) v = w.value(); // ip's ipneigh_modify() skips it (NEXT_ARG), it does not print usage
      if (s.dst !== undefined) throw new IpExit(`Error: either "to" is duplicate, or "${v}" is a garbage.\n`, 255);
      s.dst = addressOf(v, family);
    }
  }
  if (s.dev === undefined || s.dst === undefined) throw new IpExit('Device and destination are required arguments.\n', 255);
  await checkDevices(rt, [{ name: String(s.dev), missing: 'nodev' }]);
  const { stateValue, ...rest } = s;
  const spec: NeighbourSpec = { ...(rest as NeighbourSpec) };
  if (stateValue !== undefined) {
    if (typeof stateValue === 'number') notSupported('neigh', `nud ${stateValue}`);
    spec.state = stateValue === 'none' ? 'incomplete' : stateValue;
  }
  if (verb === 'add') await rt.addNeighbour(spec);
  else if (verb === 'replace') await rt.replaceNeighbour(spec);
  else if (verb === 'change') await rt.changeNeighbour(spec);
  else if (verb === 'delete') await rt.deleteNeighbour(spec);
  else throw new UsageError(`neigh ${verb}: not implemented by nlwire`);
}

// ---- rule -------------------------------------------------------------------------------------------

const AF_INET = 2, AF_INET6 = 10;
const RULE_ACTIONS: Record<number, string> = { 1: 'to_tbl', 2: 'goto', 3: 'nop', 6: 'blackhole', 7: 'unreachable', 8: 'prohibit' };

/** iprule_modify()'s grammar: every selector parsed strictly, so a bad one never widens the rule. */
export function parseRule(w: Words, family?: Family): RuleSpec {
  const s: RuleSpec = family ? { family } : {};
  while (!w.done) {
    const word = w.next();
    if (word === 'not') notSupported('rule', 'not');
    else if (word === 'from') s.from = prefixOf(w.value(), family);
    else if (word === 'to') s.to = prefixOf(w.value(), family);
    else if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) s.priority = unsignedOr(w.value(), 'preference value is invalid\n');
    else if (word === 'tos' || matches(word, 'dsfield')) { const v = w.value(); const n = parseDsfield(v); if (n === undefined) invarg('TOS value is invalid\n', v); s.tos = n; }
    else if (word === 'fwmark') {
      const v = w.value();
      const slash = v.indexOf('/');
      const mark = slash < 0 ? v : v.slice(0, slash);
      s.fwmark = unsignedOr(mark, 'fwmark value is invalid\n');
      if (slash >= 0) s.fwmask = unsignedOr(v.slice(slash + 1), 'fwmask value is invalid\n');
    } else if (matches(word, 'realms') || matches(word, 'tun_id')) notSupported('rule', word);
    else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); s.protocol = n; }
    else if (matches(word, 'table') || word === 'lookup') { const v = w.value(); const n = parseTable(v); if (n === undefined) invarg('invalid table ID\n', v); s.table = n; }
    else if (matches(word, 'suppress_prefixlength') || word === 'sup_pl') {
      const v = w.value(); const n = parseInteger(v, 0);
      if (n === undefined || n < 0) invarg('suppress_prefixlength value is invalid\n', v);
      s.suppressPrefixlength = n;
    } else if (matches(word, 'suppress_ifgroup') || word === 'sup_group' || word === 'l3mdev' || matches(word, 'nat') || matches(word, 'map-to')) notSupported('rule', word);
    else if (word === 'dev' || word === 'iif') s.iif = w.value();
    else if (word === 'oif') s.oif = w.value();
    else if (word === 'uidrange') { const v = w.value(); const r = parseUidRange(v); if (!r) invarg('invalid UID range\n', v); s.uidrange = r; }
    else if (word === 'ipproto') { const v = w.value(); const n = parseIpProto(v); if (n === undefined) invarg('Invalid "ipproto" value\n', v); s.ipproto = n; }
    else if (word === 'sport') { const v = w.value(); const r = parsePortRange(v); if (!r) invarg('invalid port range\n', v); s.sport = r; }
    else if (word === 'dport') { const v = w.value(); const r = parsePortRange(v); if (!r) invarg('invalid dport range\n', v); s.dport = r; }
    else {
      const v = word === 'type' ? w.value() : word;
      if (matches(v, 'goto')) { s.goto = unsignedOr(w.value(), 'invalid target\n'); s.action = 'goto'; }
      else if (matches(v, 'nop')) s.action = 'nop';
      else {
        const t = parseRouteType(v);
        const action = t === undefined ? undefined : RULE_ACTIONS[t];
        if (t === undefined) invarg('Failed to parse rule type', v);
        if (action === undefined) notSupported('rule', `type ${v}`);
        s.action = action;
      }
    }
  }
  // As iprule_modify(): the family is -4/-6 or else inet, never taken from an address typed (an
  // IPv6 selector without -6 goes out as ip sends it, and the kernel refuses it as it does ip's).
  s.family ??= 4;
  return s;
}

async function ruleCommand(verb: Verb, w: Words, rt: Rtnl, family?: Family): Promise<void> {
  // As ip: an empty selector would delete the first rule (priority 0, the local table).
  if (w.done && (verb === 'add' || verb === 'delete')) throw new IpExit(`"nlwire rule ${verb === 'delete' ? 'del' : verb}" requires arguments.\n`, 1);
  const s = parseRule(w, family);
  if (verb === 'add') await rt.addRule(s);
  else if (verb === 'delete') await rt.deleteRule(s);
  else throw new UsageError(`rule ${verb}: not implemented by nlwire`);
}

// ---- nexthop ----------------------------------------------------------------------------------------

/** ipnh_modify()'s grammar. */
export function parseNexthop(w: Words, family?: Family): { spec: Partial<NexthopSpec>; refs: DevRef[] } {
  const s: Partial<NexthopSpec> = family ? { family } : {};
  const refs: DevRef[] = [];
  while (!w.done) {
    const word = w.next();
    if (word === 'id') s.id = unsignedOr(w.value(), 'invalid id value');
    else if (word === 'dev') { s.dev = w.value(); refs.push({ name: s.dev, missing: 'invarg' }); }
    else if (word === 'via') { const v = addressOf(w.value(), family); s.gateway = v; s.family ??= famOf(v); }
    else if (word === 'blackhole') { s.blackhole = true; s.family ??= 4; } // as ip: a blackhole needs a family, AF_INET unless given
    else if (word === 'fdb') s.fdb = true;
    else if (word === 'onlink' || matches(word, 'encap')) notSupported('nexthop', word);
    else if (word === 'group') {
      const v = w.value();
      s.group = v.split('/').map((member) => {
        const [id, weight, ...extra] = member.split(',');
        const n = parseUnsigned(id!);
        if (n === undefined || extra.length) invarg('"group" value is invalid\n', v);
        if (weight === undefined) return { id: Number(n) };
        const wt = parseUnsigned(weight);
        if (wt === undefined || wt === 0n || wt > 256n) invarg('"weight" is invalid\n', weight);
        return { id: Number(n), weight: Number(wt) };
      });
    } else if (word === 'type') {
      const v = w.value();
      if (v === 'mpath') continue;
      if (v !== 'resilient') invarg('"type" value is invalid\n', v);
      s.resilient = { buckets: 128 };
      // parse_nh_group_type_res(): its options follow the type.
      for (;;) {
        const k = w.peek();
        if (k === 'buckets') { w.next(); s.resilient.buckets = unsignedOr(w.value(), 'invalid buckets value', U16); }
        else if (k === 'idle_timer' || k === 'unbalanced_timer') {
          w.next();
          const t = w.value(); const n = parseUnsigned(t);
          if (n === undefined || n >= 0xffffffffn / 100n) invarg(k === 'idle_timer' ? 'invalid idle timer value' : 'invalid unbalanced timer value', t);
          if (k === 'idle_timer') s.resilient.idleTimer = Number(n) * 100; else s.resilient.unbalancedTimer = Number(n) * 100;
        } else break;
      }
    } else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); s.protocol = n; }
    else invarg('', word);
  }
  return { spec: s, refs };
}

async function nexthopCommand(verb: Verb, w: Words, rt: Rtnl, family?: Family): Promise<void> {
  if (verb === 'delete') {
    let id: number | undefined;
    while (!w.done) {
      const word = w.next();
      if (word === 'id') id = unsignedOr(w.value(), 'invalid id value');
      else invarg('', word);
    }
    // ip sends the request without an id; the kernel refuses it (exit 2).
    if (id === undefined) throw new IpExit('Error: Nexthop id is missing.\n', 2);
    await rt.deleteNexthop(id);
    return;
  }
  const { spec, refs } = parseNexthop(w, family);
  spec.protocol ??= 0; // ip sends no protocol unless told (RTPROT_UNSPEC)
  if (spec.id === undefined) throw new UsageError(`nexthop ${verb}: nlwire needs id ID (it does not let the kernel pick one)`);
  await checkDevices(rt, refs);
  if (verb === 'add') await rt.addNexthop(spec as NexthopSpec);
  else if (verb === 'replace') await rt.addNexthop(spec as NexthopSpec, true);
  else throw new UsageError(`nexthop ${verb}: not implemented by nlwire`);
}

export type ChangeObject = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop';

/** Runs one change verb of an object; throws IpExit/NetlinkError as ip would fail. */
/** Kinds whose changelink resets what a change leaves out (ip_tunnel's), so a change starts from the current parameters. */
const WHOLE_SET_KINDS = new Set(['gre', 'gretap', 'ip6gre', 'ip6gretap', 'ipip', 'sit']);

export async function changeCommand(object: ChangeObject, verb: Verb, words: readonly string[], rt: Rtnl, family?: Family, io?: { stderr(s: string): void }, help?: () => never): Promise<void> {
  const w = new Words(words, help);
  switch (object) {
    case 'link': return linkCommand(verb, w, rt);
    case 'address': return addressCommand(verb, w, rt, family, io);
    case 'route': return routeCommand(verb, w, rt, family);
    case 'neigh': return neighCommand(verb, w, rt, family);
    case 'rule': return ruleCommand(verb, w, rt, family);
    case 'nexthop': return nexthopCommand(verb, w, rt, family);
  }
}

export { firstMatch, U8 };
