// `netconf show [dev NAME]`: the kernel's per-device IP settings (RTM_GETNETCONF), as ip prints them.
import { NetlinkError } from '../core/errors.js';
import { rtnetlinkMessages as M } from '../families/route/index.js';
import { toRtObject, Rtnl } from '../rtnl/rtnl.js';
import type { Netconf } from '../rtnl/types.js';
import * as R from '../rtnl/render/index.js';
import { buildMessage } from '../schema/family.js';
import type { CliContext } from './context.js';
import { ipJson } from './format.js';
import { IpExit } from './io.js';
import { verbOf, Words } from './ip-words.js';
import { invarg } from './values.js';

const AF_INET = 2, AF_INET6 = 10;

export async function netconfCommand(args: string[], ctx: CliContext): Promise<number> {
  const verb = args[0] === undefined ? 'show' : verbOf('netconf', args[0]);
  if (verb === 'help') { ctx.io.stdout('Usage: nlwire netconf show [ dev STRING ]\n'); return 0; }
  const w = new Words(args.slice(1));
  let dev: string | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'dev') dev = w.value();
    else invarg("", word); // ip ignores a word it does not know here (showing everything); nlwire refuses it
  }
  using owned = ctx.rtnl ? undefined : Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const rt = ctx.rtnl ?? owned!;
  const links = await rt.links();
  const families = ctx.family === 4 ? [AF_INET] : ctx.family === 6 ? [AF_INET6] : [AF_INET, AF_INET6];
  const confs: Netconf[] = [];
  const take = (ms: readonly unknown[]): void => { for (const m of ms) { const o = toRtObject(m as Parameters<typeof toRtObject>[0]); if (o?.kind === 'netconf') confs.push(o); } };
  if (dev !== undefined) {
    const l = links.find((x) => x.attrs.ifname === dev);
    if (!l) throw new IpExit(`Device "${dev}" does not exist.\n`, 1);
    // ip: one request per family for the device.
    for (const family of families) {
      try { take((await rt.socket.request(buildMessage(M.RTM_GETNETCONF, { flags: 0, header: { family }, attrs: { ifindex: l.header.index } }))).messages); }
      catch (e) { if (!(e instanceof NetlinkError && (e.code === 'ENODEV' || e.code === 'EOPNOTSUPP'))) throw e; }
    }
  } else {
    take((await rt.socket.dumpAll(buildMessage(M.RTM_GETNETCONF, { flags: 0, header: { family: families.length === 1 ? families[0] : 0 }, attrs: {} }))).messages);
  }
  const shown = confs.filter((c) => families.includes(c.header.family));
  const o: R.IpRenderOptions = { ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
  // ip 6.1 prints text for `-4|-6 netconf show dev X` even under -j; so does nlwire.
  if (ctx.json && !(dev !== undefined && ctx.family)) ctx.io.stdout(ipJson(R.renderNetconf(links, shown, o), ctx.pretty) + '\n');
  else ctx.io.stdout(R.renderNetconfText(links, shown, o));
  return 0;
}
