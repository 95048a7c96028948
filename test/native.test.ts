// Tests for the native addon (native/nlwire.cc) through its typed loader. Needs Linux; the netns
// and ENOBUFS tests need root (they create network namespaces with `ip netns`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { openSync, closeSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadNative,
  nativeAvailable,
  findPackageRoot,
  isNativeSystemError,
  RecvInfo,
  type NativeBinding,
  type Poller,
} from '../src/socket/native.js';

const here = dirname(fileURLToPath(import.meta.url));
const nativeTs = join(here, '..', 'src', 'socket', 'native.ts');

const NETLINK_ROUTE = 0;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST_DUMP = 0x301;
const IFLA_IFNAME = 3;
const MSG_TRUNC = 0x20;
const EAGAIN = 11;
const ENOBUFS = 105;
const ETIMEDOUT = 110;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const RTMGRP_LINK = 1;

const b: NativeBinding = loadNative();

// ---------------------------------------------------------------------------------------------
// helpers (hand-built messages; no dependency on other src modules)

let seq = 1;
function getLinkRequest(): Uint8Array {
  const req = new Uint8Array(32); // nlmsghdr (16) + ifinfomsg (16, zero)
  const dv = new DataView(req.buffer);
  dv.setUint32(0, 32, true);
  dv.setUint16(4, RTM_GETLINK, true);
  dv.setUint16(6, NLM_F_REQUEST_DUMP, true);
  dv.setUint32(8, seq++, true);
  dv.setUint32(12, 0, true);
  return req;
}

function sendDump(fd: number): void {
  const req = getLinkRequest();
  const n = b.sendTo(fd, req, 0, req.length, 0, 0);
  assert.is(n, req.length, `sendTo returned ${n}`);
}

interface Parsed {
  names: string[];
  newlink: number;
  done: boolean;
  error?: number;
}

/** Parses one datagram (bytes [off, off+len) of u8) and accumulates into acc. */
function parse(u8: Uint8Array, off: number, len: number, acc: Parsed): void {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  let p = off;
  const end = off + len;
  while (p + 16 <= end) {
    const mlen = dv.getUint32(p, true);
    const type = dv.getUint16(p + 4, true);
    if (mlen < 16 || p + mlen > end) throw new Error(`bad nlmsg length ${mlen}`);
    if (type === NLMSG_DONE) acc.done = true;
    else if (type === NLMSG_ERROR) acc.error = dv.getInt32(p + 16, true);
    else if (type === RTM_NEWLINK) {
      acc.newlink++;
      let a = p + 32; // nlmsghdr + ifinfomsg
      while (a + 4 <= p + mlen) {
        const alen = dv.getUint16(a, true);
        const atype = dv.getUint16(a + 2, true) & 0x3fff;
        if (alen < 4) break;
        if (atype === IFLA_IFNAME) {
          let s = a + 4;
          let e = a + alen;
          while (e > s && u8[e - 1] === 0) e--;
          acc.names.push(new TextDecoder().decode(u8.subarray(s, e)));
          s = e;
        }
        a += (alen + 3) & ~3;
      }
    }
    p += (mlen + 3) & ~3;
  }
}

const newParsed = (): Parsed => ({ names: [], newlink: 0, done: false });

/** Dump links with Poller + recvInto into buf[offset, offset+length). */
function dumpWithPoller(fd: number, buf: Uint8Array, offset = 0, length = buf.length - offset): Promise<Parsed> {
  sendDump(fd);
  const info = new Int32Array(6);
  const acc = newParsed();
  return new Promise((resolve, reject) => {
    const poller: Poller = new b.Poller(fd, (status) => {
      try {
        if (status < 0) throw new Error(`poll status ${status}`);
        for (;;) {
          const n = b.recvInto(fd, buf, offset, length, info);
          if (n === -EAGAIN) return; // wait for the next chunk
          if (n < 0) throw new Error(`recvInto returned ${n}`);
          assert.is(info[RecvInfo.PORT_ID], 0, 'sender must be the kernel');
          assert.is(info[RecvInfo.LENGTH], n);
          assert.is(info[RecvInfo.FLAGS] & MSG_TRUNC, 0);
          parse(buf, offset, n, acc);
          if (acc.done || acc.error !== undefined) {
            poller.close();
            resolve(acc);
            return;
          }
        }
      } catch (e) {
        poller.close();
        reject(e);
      }
    });
    poller.start();
  });
}

function recvAsyncP(fd: number, buf: Uint8Array, off: number, len: number, timeout: number, info: Int32Array): Promise<number> {
  return new Promise((resolve) => b.recvAsync(fd, buf, off, len, timeout, info, resolve));
}

async function dumpWithRecvAsync(fd: number, buf: Uint8Array): Promise<Parsed> {
  sendDump(fd);
  const info = new Int32Array(6);
  const acc = newParsed();
  while (!acc.done && acc.error === undefined) {
    const n = await recvAsyncP(fd, buf, 0, buf.length, 2000, info);
    if (n < 0) throw new Error(`recvAsync returned ${n}`);
    assert.is(info[RecvInfo.PORT_ID], 0);
    parse(buf, 0, n, acc);
  }
  return acc;
}

function openBound(netns?: string | number): number {
  const fd = b.open(NETLINK_ROUTE, netns);
  b.bind(fd, 0, 0);
  return fd;
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('this test needs root (it creates network namespaces with `ip netns add`); run the native tests as root');
  }
}

let nsCounter = 0;
async function withNetns(fn: (name: string, path: string) => Promise<void> | void): Promise<void> {
  requireRoot();
  const name = `nlwtest-native-${process.pid}-${nsCounter++}`;
  ip('netns', 'add', name);
  try {
    await fn(name, `/var/run/netns/${name}`);
  } finally {
    try {
      ip('netns', 'del', name);
    } catch {
      // best effort
    }
  }
}

function runChild(
  code: string,
  nodeArgs: string[] = [],
  load = true,
): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const prelude = load ? `const { loadNative } = await import(${JSON.stringify(nativeTs)}); const b = loadNative();\n` : '';
  const script = prelude + code;
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------

test('loader: loadNative is cached, nativeAvailable, package root', () => {
  assert.ok(nativeAvailable());
  assert.is(loadNative(), b);
  assert.is(b.SOL_NETLINK, 270);
  assert.is(findPackageRoot(here), join(here, '..'));
  for (const k of ['open', 'bind', 'getPortId', 'sendTo', 'recvInto', 'recvAsync', 'close'] as const) {
    assert.type(b[k], 'function');
  }
});

test('open/bind/getPortId, sockopts', () => {
  const fd = openBound();
  try {
    assert.ok(fd > 2);
    assert.ok(b.getPortId(fd) > 0);
    // NETLINK_PKTINFO (3) on SOL_NETLINK
    b.setsockoptInt(fd, b.SOL_NETLINK, 3, 1);
    assert.is(b.getsockoptInt(fd, b.SOL_NETLINK, 3), 1);
    b.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, 1 << 20);
    assert.ok(b.getsockoptInt(fd, SOL_SOCKET, SO_RCVBUF) >= 1 << 20);
    // NETLINK_ADD_MEMBERSHIP (1) group 1, then NETLINK_LIST_MEMBERSHIPS (9)
    b.setsockoptInt(fd, b.SOL_NETLINK, 1, 1);
    const out = new Uint8Array(64);
    const len = b.getsockoptBytes(fd, b.SOL_NETLINK, 9, out);
    assert.ok(len >= 4);
    assert.is(out[0] & 1, 1);
    // explicit port id
    const fd2 = b.open(NETLINK_ROUTE);
    try {
      const want = (0x7f000000 + (process.pid & 0xffff)) >>> 0;
      b.bind(fd2, want, 0);
      assert.is(b.getPortId(fd2), want);
    } finally {
      b.close(fd2);
    }
  } finally {
    b.close(fd);
  }
});

test('system errors are Node-style (negative errno)', () => {
  try {
    b.open(9999);
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(isNativeSystemError(e));
    assert.is((e as { code: string }).code, 'EPROTONOSUPPORT');
    assert.is((e as { errno: number }).errno, -93);
    assert.is((e as { syscall: string }).syscall, 'socket');
  }
  const fd = b.open(NETLINK_ROUTE);
  b.close(fd);
  try {
    b.bind(fd, 0, 0);
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(isNativeSystemError(e));
    assert.is((e as { code: string }).code, 'EBADF');
    assert.is((e as { errno: number }).errno, -9);
  }
  // hot paths return -errno instead of throwing
  assert.is(b.sendTo(fd, new Uint8Array(16), 0, 16, 0, 0), -9);
  assert.is(b.recvInto(fd, new Uint8Array(16), 0, 16, new Int32Array(6)), -9);
  b.close(fd); // second close is a no-op (EBADF ignored)
  // argument validation
  assert.throws(() => b.recvInto(0, new Uint8Array(16), 8, 16, new Int32Array(6)), /exceeds/);
  assert.throws(() => b.recvInto(0, new Uint8Array(16), 0, 16, new Int32Array(5)), /length >= 6/);
  assert.throws(() => b.sendTo(0, new Int32Array(4) as unknown as Uint8Array, 0, 4, 0, 0), /Uint8Array/);
});

test('dump with Poller + recvInto into a Uint8Array and a WebAssembly.Memory view', async () => {
  const fd = openBound();
  try {
    const r1 = await dumpWithPoller(fd, new Uint8Array(64 * 1024));
    assert.is(r1.error, undefined);
    assert.ok(r1.done, 'NLMSG_DONE');
    assert.ok(r1.newlink >= 1);
    assert.ok(r1.names.includes('lo'), `names: ${r1.names}`);

    const mem = new WebAssembly.Memory({ initial: 2 });
    new Uint8Array(mem.buffer).fill(0xff);
    const view = new Uint8Array(mem.buffer, 4096, 65536);
    const r2 = await dumpWithPoller(fd, view, 100, 65000);
    assert.ok(r2.done);
    assert.ok(r2.names.includes('lo'));
    assert.equal(r2.names, r1.names);
    // the bytes really landed in the wasm memory (no copy): a netlink header at 4096+100
    const dv = new DataView(mem.buffer);
    assert.ok([RTM_NEWLINK, NLMSG_DONE].includes(dv.getUint16(4096 + 100 + 4, true)));
    assert.ok(dv.getUint32(4096 + 100, true) <= 65000);
    assert.is(dv.getUint32(4096 + 96, true), 0xffffffff, 'nothing written before offset');
  } finally {
    b.close(fd);
  }
});

test('recvAsync: dump and -ETIMEDOUT on an idle socket', async () => {
  const fd = openBound();
  try {
    const r = await dumpWithRecvAsync(fd, new Uint8Array(64 * 1024));
    assert.ok(r.done);
    assert.ok(r.names.includes('lo'));

    // into wasm memory too
    const mem = new WebAssembly.Memory({ initial: 2 });
    const r2 = await dumpWithRecvAsync(fd, new Uint8Array(mem.buffer, 1024, 64 * 1024));
    assert.equal(r2.names, r.names);

    const t0 = performance.now();
    const info = new Int32Array(6).fill(7);
    const n = await recvAsyncP(fd, new Uint8Array(1024), 0, 1024, 50, info);
    const dt = performance.now() - t0;
    assert.is(n, -ETIMEDOUT);
    assert.ok(dt >= 45, `timed out after ${dt}ms`);
    assert.ok(dt < 2000, `timed out after ${dt}ms`);
    assert.is(info[0], 7, 'info untouched on error');
  } finally {
    b.close(fd);
  }
});

test('MSG_TRUNC: tiny buffer reports the real length', async () => {
  const fd = openBound();
  try {
    sendDump(fd);
    const buf = new Uint8Array(64 * 1024);
    const info = new Int32Array(6);
    const n = await recvAsyncP(fd, buf, 0, 64, 2000, info);
    assert.is(n, 64);
    assert.is(info[RecvInfo.FLAGS] & MSG_TRUNC, MSG_TRUNC);
    assert.ok(info[RecvInfo.LENGTH] > 64, `real length ${info[RecvInfo.LENGTH]}`);
    // same via the synchronous path; the truncated chunk is lost, drain the rest
    let m: number;
    do m = await recvAsyncP(fd, buf, 0, buf.length, 200, info);
    while (m > 0 && new DataView(buf.buffer).getUint16(4, true) !== NLMSG_DONE);
  } finally {
    b.close(fd);
  }
});

test('netns: socket in another namespace sees its links, the thread netns is unchanged', async () => {
  await withNetns(async (name, path) => {
    ip('-n', name, 'link', 'add', 'nlwa', 'type', 'veth', 'peer', 'name', 'nlwb');
    const selfNs = readlinkSync('/proc/self/ns/net');
    const threadNs = readlinkSync('/proc/thread-self/ns/net');
    const buf = new Uint8Array(64 * 1024);

    const fd = openBound(path);
    const fdHost = openBound();
    const nsFd = openSync(path, 'r');
    const fdByFd = openBound(nsFd);
    try {
      assert.is(readlinkSync('/proc/self/ns/net'), selfNs);
      assert.is(readlinkSync('/proc/thread-self/ns/net'), threadNs);
      const inNs = await dumpWithPoller(fd, buf);
      assert.ok(inNs.names.includes('nlwa'), `ns names: ${inNs.names}`);
      assert.ok(inNs.names.includes('nlwb'));
      assert.ok(inNs.names.includes('lo'));
      const host = await dumpWithPoller(fdHost, buf);
      assert.not.ok(host.names.includes('nlwa'), `host names: ${host.names}`);
      assert.not.ok(host.names.includes('nlwb'));
      const byFd = await dumpWithRecvAsync(fdByFd, buf);
      assert.ok(byFd.names.includes('nlwa'));
      assert.is(readlinkSync('/proc/self/ns/net'), selfNs);
      assert.is(readlinkSync('/proc/thread-self/ns/net'), threadNs);
    } finally {
      b.close(fd);
      b.close(fdHost);
      b.close(fdByFd);
      closeSync(nsFd);
    }
  });
});

test('error path: open(0, "/nonexistent") throws ENOENT without leaking fds', () => {
  const before = fdCount();
  for (let i = 0; i < 100; i++) {
    try {
      b.open(0, '/nonexistent');
      assert.unreachable('should throw');
    } catch (e) {
      assert.ok(e instanceof Error);
      assert.is((e as { code?: string }).code, 'ENOENT');
      assert.is((e as { errno?: number }).errno, -2);
      assert.is((e as { syscall?: string }).syscall, 'open');
      assert.is((e as { path?: string }).path, '/nonexistent');
    }
    // not a namespace file: setns fails with EINVAL after both temp fds were opened
    try {
      b.open(0, '/proc/self/status');
      assert.unreachable('should throw');
    } catch (e) {
      assert.is((e as { code?: string }).code, 'EINVAL');
      assert.is((e as { syscall?: string }).syscall, 'setns');
    }
  }
  assert.throws(() => b.open(0, 12345), /EBADF|EINVAL/);
  // socket() failing inside the target namespace: switched back, temp fds closed
  assert.throws(() => b.open(9999, '/proc/self/ns/net'), /EPROTONOSUPPORT/);
  assert.is(fdCount(), before);
  const ns = readlinkSync('/proc/thread-self/ns/net');
  assert.is(readlinkSync('/proc/thread-self/ns/net'), ns);
});

test('fd leak: 100k open/close, 1k in a netns, 10k Pollers', async () => {
  const before = fdCount();
  for (let i = 0; i < 100_000; i++) b.close(b.open(NETLINK_ROUTE));
  assert.is(fdCount(), before);

  await withNetns((_name, path) => {
    const selfNs = readlinkSync('/proc/thread-self/ns/net');
    const mid = fdCount();
    for (let i = 0; i < 1000; i++) b.close(b.open(NETLINK_ROUTE, path));
    assert.is(fdCount(), mid);
    assert.is(readlinkSync('/proc/thread-self/ns/net'), selfNs);
  });

  const fd = openBound();
  const mid = fdCount();
  let fired = 0;
  for (let i = 0; i < 10_000; i++) {
    const p = new b.Poller(fd, () => fired++);
    p.start();
    p.close();
    p.close(); // idempotent
  }
  await tick();
  await tick();
  assert.is(fired, 0);
  assert.is(fdCount(), mid);
  // a closed poller refuses to start, stop/ref/unref are no-ops
  const p = new b.Poller(fd, () => {});
  p.close();
  assert.throws(() => p.start(), /closed/);
  p.stop();
  p.ref();
  p.unref();
  assert.is(p.hasRef(), false);
  b.close(fd);
  assert.is(fdCount(), before);
});

test('Poller: close while active / while a callback is pending lets the process exit', () => {
  const r = runChild(`
    const fd = b.open(0); b.bind(fd, 0, 0);
    const p = new b.Poller(fd, () => {}); p.start(); p.close(); b.close(fd);
    // pending: data is queued (readable) but the poller is closed before the loop runs
    const fd2 = b.open(0); b.bind(fd2, 0, 0);
    let fired = 0;
    const p2 = new b.Poller(fd2, () => { fired++; });
    p2.start();
    const req = new Uint8Array(32); const dv = new DataView(req.buffer);
    dv.setUint32(0, 32, true); dv.setUint16(4, 18, true); dv.setUint16(6, 0x301, true);
    if (b.sendTo(fd2, req, 0, 32, 0, 0) !== 32) throw new Error('send');
    p2.close(); p2.close();
    // closing from inside the callback
    const fd3 = b.open(0); b.bind(fd3, 0, 0);
    let fired3 = 0;
    const p3 = new b.Poller(fd3, () => { fired3++; p3.close(); b.close(fd3); });
    p3.start();
    b.sendTo(fd3, req, 0, 32, 0, 0);
    setTimeout(() => { b.close(fd2); console.log('fired', fired, fired3); }, 50);
  `);
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /fired 0 1/);
});

test('Poller: active+unref does not keep the loop alive; active+ref does', () => {
  const r = runChild(`
    const fd = b.open(0); b.bind(fd, 0, 0);
    const p = new b.Poller(fd, () => {}); p.start(); p.unref();
    console.log('hasRef', p.hasRef());
  `);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /hasRef false/);
  const r2 = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e',
      `const { loadNative } = await import(${JSON.stringify(nativeTs)}); const b = loadNative();
       const fd = b.open(0); b.bind(fd, 0, 0); const p = new b.Poller(fd, () => {}); p.start();`],
    { encoding: 'utf8', timeout: 3000 },
  );
  assert.is(r2.signal, 'SIGTERM', 'a started, referenced poller keeps the process running');
});

test('Poller: stopped or never-started pollers are garbage collected (finalizer closes the handle)', () => {
  const r = runChild(`
    const fd = b.open(0); b.bind(fd, 0, 0);
    const weak = [];
    for (let i = 0; i < 2000; i++) {
      const p = new b.Poller(fd, () => { p.stop(); });
      if (i % 2) { p.start(); p.stop(); }
      weak.push(new WeakRef(p));
    }
    for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
    const alive = weak.filter((w) => w.deref() !== undefined).length;
    // the fd can be polled again: every old uv handle was closed
    const p = new b.Poller(fd, () => {}); p.start(); p.close(); b.close(fd);
    console.log('alive', alive);
  `, ['--expose-gc']);
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  const alive = Number(/alive (\d+)/.exec(r.stdout)?.[1] ?? -1);
  assert.ok(alive >= 0 && alive < 100, `alive after gc: ${alive}`);
});

test('worker threads: terminating/exiting with active pollers and in-flight recvAsync does not crash', () => {
  const root = join(here, '..');
  const workerCode = `
    const b = require(${JSON.stringify(join(root, 'node_modules', 'node-gyp-build'))})(${JSON.stringify(join(root, 'native'))});
    const { parentPort, workerData } = require('worker_threads');
    const req = new Uint8Array(32); const dv = new DataView(req.buffer);
    dv.setUint32(0, 32, true); dv.setUint16(4, 18, true); dv.setUint16(6, 0x301, true);
    const fd = b.open(0); b.bind(fd, 0, 0); b.sendTo(fd, req, 0, 32, 0, 0);
    const p = new b.Poller(fd, () => {}); p.start();
    const fd2 = b.open(0); const r = new b.Poller(fd2, () => {}); r.start(); r.close(); b.close(fd2);
    b.recvAsync(b.open(0), new Uint8Array(64), 0, 64, 100, new Int32Array(6), () => {});
    if (workerData === 1) p.unref(); else parentPort.postMessage('ready');
  `;
  const r = runChild(`
    const { Worker } = await import('node:worker_threads');
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve, reject) => {
        const w = new Worker(${JSON.stringify(workerCode)}, { eval: true, workerData: i % 2, execArgv: [] });
        w.on('message', () => w.terminate());
        w.on('error', reject);
        w.on('exit', resolve);
      });
    }
    console.log('workers ok');
  `, [], false); // the main thread must not load the addon: then a worker's exit really dlclose()s it
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /workers ok/);
});

test('a throwing JS callback is an uncaught exception, never an abort', () => {
  const req = `const req = new Uint8Array(32); const dv = new DataView(req.buffer);
    dv.setUint32(0, 32, true); dv.setUint16(4, 18, true); dv.setUint16(6, 0x301, true);`;
  const r = runChild(`${req}
    const fd = b.open(0); b.bind(fd, 0, 0);
    const p = new b.Poller(fd, () => { throw new Error('boom-poller'); });
    p.start(); b.sendTo(fd, req, 0, 32, 0, 0);
  `);
  assert.is(r.signal, null, r.stderr);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /boom-poller/);

  const r2 = runChild(`${req}
    const fd = b.open(0); b.bind(fd, 0, 0);
    b.recvAsync(fd, new Uint8Array(100), 0, 100, 10, new Int32Array(6), () => { throw new Error('boom-async'); });
  `);
  assert.is(r2.signal, null, r2.stderr);
  assert.is(r2.status, 1, r2.stderr);
  assert.match(r2.stderr, /boom-async/);

  // with a handler the process survives and keeps polling
  const r3 = runChild(`${req}
    let caught = 0;
    process.on('uncaughtException', (e) => { caught++; });
    const fd = b.open(0); b.bind(fd, 0, 0);
    let calls = 0;
    const p = new b.Poller(fd, () => {
      calls++;
      if (calls === 1) throw new Error('first');
      p.close(); b.close(fd); console.log('ok', caught);
    });
    p.start(); b.sendTo(fd, req, 0, 32, 0, 0);
  `);
  assert.is(r3.status, 0, r3.stderr);
  assert.match(r3.stdout, /ok 1/);
});

test('ENOBUFS: overrun reported once, later reads work', async () => {
  await withNetns(async (name, path) => {
    ip('-n', name, 'link', 'add', 'nlwa', 'type', 'veth', 'peer', 'name', 'nlwb');
    const fd = b.open(NETLINK_ROUTE, path);
    try {
      b.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, 1024);
      b.bind(fd, 0, RTMGRP_LINK);
      b.setsockoptInt(fd, b.SOL_NETLINK, 3, 1); // NETLINK_PKTINFO
      const batch = Array.from({ length: 300 }, (_, i) => `link set dev nlwa mtu ${1000 + i}`).join('\n') + '\n';
      execFileSync('ip', ['-n', name, '-batch', '-'], { input: batch });

      const buf = new Uint8Array(64 * 1024);
      const info = new Int32Array(6);
      const first = b.recvInto(fd, buf, 0, buf.length, info);
      assert.is(first, -ENOBUFS);
      let enobufs = 1;
      let msgs = 0;
      for (;;) {
        const n = b.recvInto(fd, buf, 0, buf.length, info);
        if (n === -EAGAIN) break;
        if (n === -ENOBUFS) {
          enobufs++;
          continue;
        }
        assert.ok(n > 0, `recvInto ${n}`);
        assert.is(info[RecvInfo.PORT_ID], 0);
        assert.is(info[RecvInfo.GROUP], 1, 'NETLINK_PKTINFO group');
        msgs++;
      }
      assert.is(enobufs, 1);
      assert.ok(msgs >= 1);

      // the socket still works afterwards
      ip('-n', name, 'link', 'set', 'dev', 'nlwa', 'mtu', '1500');
      const n = await recvAsyncP(fd, buf, 0, buf.length, 2000, info);
      assert.ok(n > 0, `recvAsync ${n}`);
      const acc = newParsed();
      parse(buf, 0, n, acc);
      assert.ok(acc.names.includes('nlwa'));
      assert.is(info[RecvInfo.GROUP], 1);
      assert.is(info[RecvInfo.GROUPS], RTMGRP_LINK);
    } finally {
      b.close(fd);
    }
  });
});

test('recvBatchAsync: one pool job fills several slots of a large dump, in order, and times out when idle', async () => {
  await withNetns(async (name, path) => {
    const lines = Array.from({ length: 300 }, (_, i) => `link add bt${i} type veth peer name bu${i}`).join('\n');
    execFileSync('ip', ['-n', name, '-batch', '-'], { input: lines + '\n' });
    const fd = openBound(path);
    try {
      const slot = 65536, nslots = 8;
      const buf = new Uint8Array(slot * nslots);
      const info = new Int32Array(nslots * 6);
      const results = new Int32Array(nslots);
      const batch = (): Promise<number> => new Promise((r) => b.recvBatchAsync(fd, buf, 0, slot, nslots, 2000, info, results, r));
      sendDump(fd);
      const acc = newParsed();
      let maxSlots = 0;
      while (!acc.done) {
        const count = await batch();
        assert.ok(count > 0, `batch returned ${count}`);
        maxSlots = Math.max(maxSlots, count);
        for (let i = 0; i < count; i++) {
          assert.ok(results[i]! > 0);
          assert.is(info[i * 6 + RecvInfo.PORT_ID], 0);
          parse(buf, i * slot, results[i]!, acc);
        }
      }
      assert.is(acc.newlink, 601);
      assert.ok(maxSlots > 1, 'a batch filled more than one slot');
      const t0 = Date.now();
      assert.is(await new Promise<number>((r) => b.recvBatchAsync(fd, buf, 0, slot, nslots, 50, info, results, r)), -ETIMEDOUT);
      assert.ok(Date.now() - t0 >= 40);
      assert.throws(() => b.recvBatchAsync(fd, buf, 0, slot, nslots + 1, 50, info, results, () => undefined), /outside the buffer/);
    } finally {
      b.close(fd);
    }
  });
});

test.run();
