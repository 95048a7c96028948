// `npm start` / `nlwire main`: the seeds' main program done well: interfaces, addresses and the
// routing table of the namespace, then live changes until Ctrl+C.
import { Rtnl } from '../rtnl/rtnl.js';
import * as R from '../rtnl/render/index.js';
import type { CliContext } from './context.js';
import { UsageError } from './io.js';
import { monitorCommand } from './monitor.js';

export const MAIN_HELP = `Usage: nlwire [-n NETNS] main [--once]

Shows the interfaces, addresses and routes (IPv4 and IPv6) of the current network namespace (or
NETNS), then prints every change as it happens until Ctrl+C. --once stops after the listing.
'npm start -- -n NETNS' runs it in a namespace.
`;

export async function mainJob(args: string[], ctx: CliContext): Promise<number> {
  let once = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // `npm start -- -n NETNS` puts the option after the command word.
    if (a === '--once') once = true;
    else if (a === '-n' || a === '--netns') { const v = args[++i]; if (!v) throw new UsageError(`${a} needs a namespace`); ctx.netns = v; }
    else if (a === '-j' || a === '--json') ctx.json = true;
    else throw new UsageError(`main: unknown argument '${a}'`);
  }
  using rt = Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const links = await rt.links();
  const opts: R.IpRenderOptions = { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? ''])) };
  const out = (title: string, body: string): void => ctx.io.stdout(`== ${title}\n${body.trimEnd()}\n\n`);
  out(`interfaces${ctx.netns ? ` (netns ${ctx.netns})` : ''}`, R.renderLinksText(links, opts));
  out('addresses', R.renderAddressesText(links, await rt.addresses(), opts));
  out('routes (IPv4, main table)', R.renderRoutesText(await rt.routes({ family: 4, table: 'main' }), opts) || '(none)');
  out('routes (IPv6, main table)', R.renderRoutesText(await rt.routes({ family: 6, table: 'main' }), opts) || '(none)');
  if (once) return 0;
  ctx.io.stdout('== monitoring changes (Ctrl+C to stop)\n');
  return await monitorCommand(['all'], ctx, rt); // awaited: `using` closes rt on return
}
