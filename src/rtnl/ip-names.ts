// iproute2's names, the one set the project uses: ip's numbers to names (the renderers) and names
// to numbers (the CLI's value parsers), with ip's /etc/iproute2 files read as ip reads them.
import { readdirSync, readFileSync } from 'node:fs';

const AF_INET = 2, AF_INET6 = 10, AF_BRIDGE = 7, AF_MPLS = 28, AF_PACKET = 17;

// iproute2's name tables (lib/rt_names.c and the Debian 12 /etc/iproute2 files).
export const RT_PROTOS: Record<number, string> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra',
  12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 18: 'keepalived', 42: 'babel', 99: 'openr',
  186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};
export const RT_SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
export const RT_TABLES: Record<number, string> = { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' };
export const RT_REALMS: Record<number, string> = { 0: 'cosmos' };
export const RT_DSFIELD: Record<number, string> = {
  0x28: 'AF11', 0x30: 'AF12', 0x38: 'AF13', 0x48: 'AF21', 0x50: 'AF22', 0x58: 'AF23', 0x68: 'AF31', 0x70: 'AF32',
  0x78: 'AF33', 0x88: 'AF41', 0x90: 'AF42', 0x98: 'AF43', 0x20: 'CS1', 0x40: 'CS2', 0x60: 'CS3', 0x80: 'CS4',
  0xa0: 'CS5', 0xc0: 'CS6', 0xe0: 'CS7', 0xb8: 'EF',
};
export const LINK_GROUPS: Record<number, string> = { 0: 'default' };
export const RTN_TYPES = ['none', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
export const FAMILY_NAMES: Record<number, string> = { 0: 'none', [AF_INET]: 'inet', [AF_INET6]: 'inet6', [AF_PACKET]: 'link', [AF_MPLS]: 'mpls', [AF_BRIDGE]: 'bridge', 4: 'ipx', 12: 'dnet' };
/** getprotobynumber() over Debian's /etc/protocols (first names). */
export const IP_PROTOS: Record<number, string> = {
  0: 'ip', 1: 'icmp', 2: 'igmp', 3: 'ggp', 4: 'ipencap', 5: 'st', 6: 'tcp', 8: 'egp', 9: 'igp', 12: 'pup', 17: 'udp',
  20: 'hmp', 22: 'xns-idp', 27: 'rdp', 29: 'iso-tp4', 33: 'dccp', 36: 'xtp', 37: 'ddp', 38: 'idpr-cmtp', 41: 'ipv6',
  43: 'ipv6-route', 44: 'ipv6-frag', 45: 'idrp', 46: 'rsvp', 47: 'gre', 50: 'esp', 51: 'ah', 57: 'skip', 58: 'ipv6-icmp',
  59: 'ipv6-nonxt', 60: 'ipv6-opts', 73: 'rspf', 81: 'vmtp', 88: 'eigrp', 89: 'ospf', 93: 'ax.25', 94: 'ipip',
  97: 'etherip', 98: 'encap', 103: 'pim', 108: 'ipcomp', 112: 'vrrp', 115: 'l2tp', 124: 'isis', 132: 'sctp', 133: 'fc',
  135: 'mobility-header', 136: 'udplite', 137: 'mpls-in-ip', 138: 'manet', 139: 'hip', 140: 'shim6', 141: 'wesp',
  142: 'rohc', 143: 'ethernet', 262: 'mptcp',
};

/** A table's names to their numbers (the reverse of a number → name table). */
export function namesOf(table: Record<number, string> | readonly string[], drop: readonly number[] = []): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(table)) if (!drop.includes(Number(k))) m.set(v, Number(k));
  return m;
}

/** ip's name files (/etc/iproute2/NAME and NAME.d/*.conf): "NUMBER NAME" lines, read once. */
const nameFiles = new Map<string, Map<string, number>>();
export function namesFromFile(file: string): Map<string, number> {
  let m = nameFiles.get(file);
  if (m) return m;
  const out = new Map<string, number>();
  const read = (path: string): void => {
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { return; }
    for (const line of text.split('\n')) {
      const w = line.replace(/#.*/, '').trim().split(/\s+/);
      if (w.length < 2) continue;
      // sscanf("0x%x %s") or ("%d %s"), as rtnl_tab_initialize()
      const id = /^0x[0-9a-f]+$/i.test(w[0]!) ? parseInt(w[0]!.slice(2), 16) : /^[0-9]+$/.test(w[0]!) ? Number(w[0]) : undefined;
      if (id !== undefined && id <= 0xffffffff) out.set(w[1]!, id);
    }
  };
  read(`/etc/iproute2/${file}`);
  try {
    for (const f of readdirSync(`/etc/iproute2/${file}.d`).sort()) if (f.endsWith('.conf')) read(`/etc/iproute2/${file}.d/${f}`);
  } catch { /* no .d directory */ }
  nameFiles.set(file, out);
  m = out;
  return m;
}
