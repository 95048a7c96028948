// `netns list|add|delete|exec|identify` with ip's semantics: a named namespace is a bind mount of a
// namespace file at /run/netns/NAME. Creating and entering one needs unshare(2)/setns(2) in a child,
// which util-linux's unshare and nsenter do; listing and identifying are plain file checks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, opendirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Rtnl } from '../rtnl/rtnl.js';
import { buildMessage } from '../schema/family.js';
import { rtnetlinkMessages as M } from '../families/route/index.js';
import type { CliContext } from './context.js';
import { IpExit } from './io.js';
import { usageExit } from './ip-usage.js';
import { verbOf, Words } from './ip-words.js';

const NETNS_RUN_DIR = '/run/netns';

/** Names in /run/netns, in directory order (as ip's readdir loop prints them). */
function names(): string[] {
  const out: string[] = [];
  let dir;
  try { dir = opendirSync(NETNS_RUN_DIR); } catch { return out; }
  try { for (let e = dir.readSync(); e; e = dir.readSync()) if (e.name !== '.' && e.name !== '..') out.push(e.name); } finally { dir.closeSync(); }
  return out;
}

/** The nsid this namespace gave NAME's namespace, if any (RTM_GETNSID with NETNSA_FD). */
async function nsidOf(rt: Rtnl, name: string): Promise<number | undefined> {
  const { openSync, closeSync } = await import('node:fs');
  let fd: number;
  try { fd = openSync(`${NETNS_RUN_DIR}/${name}`, 'r'); } catch { return undefined; }
  try {
    const r = await rt.socket.request(buildMessage(M.RTM_GETNSID, { flags: 0, header: {}, attrs: { fd } }));
    for (const m of r.messages) if (m.kind === 'data' && typeof m.attrs?.nsid === 'number' && m.attrs.nsid >= 0) return m.attrs.nsid;
    return undefined;
  } catch { return undefined; } finally { closeSync(fd); }
}

/**
 * The names of the namespaces this one has given nsids to (ip's netns_map_init, for text's
 * `link-netns NAME`): each /run/netns entry asked with RTM_GETNSID.
 */
export async function netnsNamesById(rt: Rtnl): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  for (const name of names()) {
    const id = await nsidOf(rt, name);
    if (id !== undefined && !m.has(id)) m.set(id, name);
  }
  return m;
}

/** The NAME after add/delete/exec: ip's message when there is none. */
function nameOf(w: Words): string {
  if (w.done) throw new IpExit('No netns name specified\n', 1);
  return w.value();
}

function validName(name: string): void {
  if (!name || name.includes('/') || name === '.' || name === '..') throw new IpExit(`Invalid netns name "${name}"\n`, 255);
}

export async function netnsCommand(args: string[], ctx: CliContext): Promise<number> {
  const verb = args[0] === undefined ? 'list' : verbOf('netns', args[0]);
  const w = new Words(args.slice(1));
  switch (verb) {
    case 'list': {
      using rt = Rtnl.open(ctx.netns ? { netns: ctx.netns } : {});
      const rows: Array<{ name: string; id?: number }> = [];
      for (const name of names()) { const id = await nsidOf(rt, name); rows.push(id === undefined ? { name } : { name, id }); }
      if (ctx.json) ctx.io.stdout(JSON.stringify(rows) + '\n');
      else for (const r of rows) ctx.io.stdout(r.id === undefined ? `${r.name}\n` : `${r.name} (id: ${r.id})\n`);
      return 0;
    }
    case 'add': {
      const name = nameOf(w);
      validName(name);
      mkdirSync(NETNS_RUN_DIR, { recursive: true });
      try { writeFileSync(`${NETNS_RUN_DIR}/${name}`, '', { flag: 'wx', mode: 0 }); } catch (e) {
        throw new IpExit(`Cannot create namespace file "${NETNS_RUN_DIR}/${name}": ${errText(e)}\n`, 1);
      }
      // unshare --net=FILE makes a new network namespace and bind-mounts it on FILE.
      const r = spawnSync('unshare', [`--net=${NETNS_RUN_DIR}/${name}`, 'true'], { encoding: 'utf8' });
      if (r.status !== 0) {
        rmSync(`${NETNS_RUN_DIR}/${name}`, { force: true });
        throw new IpExit(`Failed to create a new network namespace "${name}": ${(r.stderr || r.error?.message || '').trim()}\n`, 1);
      }
      return 0;
    }
    case 'delete': {
      const name = nameOf(w);
      validName(name);
      spawnSync('umount', ['-l', `${NETNS_RUN_DIR}/${name}`]);
      try { rmSync(`${NETNS_RUN_DIR}/${name}`); } catch (e) {
        throw new IpExit(`Cannot remove namespace file "${NETNS_RUN_DIR}/${name}": ${errText(e)}\n`, 1);
      }
      return 0;
    }
    case 'exec': {
      const name = nameOf(w);
      const cmd = w.rest();
      if (cmd.length === 0) throw new IpExit('No command specified\n', 1);
      try { statSync(`${NETNS_RUN_DIR}/${name}`); } catch (e) {
        throw new IpExit(`Cannot open network namespace "${name}": ${errText(e)}\n`, 255);
      }
      const r = spawnSync('nsenter', [`--net=${NETNS_RUN_DIR}/${name}`, '--', ...cmd], { stdio: 'inherit' });
      if (r.error) throw new IpExit(`exec of "${cmd[0]}" failed: ${r.error.message}\n`, 255);
      return r.status ?? 255;
    }
    case 'identify': {
      const given = !w.done;
      const pid = given ? w.value() : 'self';
      if (given && !/^\d+$/.test(pid)) throw new IpExit(`Specified string '${pid}' is not a pid\n`, 1);
      let st;
      try { st = statSync(`/proc/${pid}/ns/net`); } catch (e) {
        throw new IpExit(`Cannot open network namespace: ${errText(e)}\n`, 1);
      }
      // As ip: one line, the namespace's name or nothing.
      const match = names().find((name) => {
        try { const s = statSync(`${NETNS_RUN_DIR}/${name}`); return s.dev === st.dev && s.ino === st.ino; } catch { return false; }
      });
      ctx.io.stdout(`${match ?? ''}\n`);
      return 0;
    }
    case 'help':
      usageExit('netns');
    default:
      throw new IpExit(`nlwire netns ${verb}: not implemented yet\n`, 255);
  }
}

function errText(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' ? 'No such file or directory' : code === 'EEXIST' ? 'File exists' : code === 'EACCES' ? 'Permission denied' : (e as Error).message;
}
