// Typed, lazy loader for the native addon in <pkgroot>/native (built by node-gyp).
// The addon only performs syscalls; all protocol logic is TypeScript.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Slots of the `info` Int32Array filled by `recvInto` / `recvAsync` (length >= RECV_INFO_LENGTH). */
export const RecvInfo = {
  /** sender port id (nl_pid); 0 = kernel. Stored as int32: use `>>> 0` for the unsigned value. */
  PORT_ID: 0,
  /** multicast group from the NETLINK_PKTINFO cmsg, 0 if none */
  GROUP: 1,
  /** msg_flags (MSG_TRUNC = 0x20, ...) */
  FLAGS: 2,
  /** nsid from the NETLINK_LISTEN_ALL_NSID cmsg, -1 if none */
  NSID: 3,
  /** real datagram length (may exceed the bytes received when MSG_TRUNC is set) */
  LENGTH: 4,
  /** sender's nl_groups from the source sockaddr */
  GROUPS: 5,
} as const;
export const RECV_INFO_LENGTH = 6;

/** Callback of a Poller: status is 0 or a negative libuv/errno code, events is a UV_* bitmask (1 = readable). */
export type PollCallback = (status: number, events: number) => void;

/** Readiness watcher over a libuv `uv_poll_t`. */
export interface Poller {
  /** Start watching for readability (UV_READABLE). While started, the poller keeps itself alive. */
  start(): void;
  /** Stop watching; can be started again. */
  stop(): void;
  /** Release the handle. Idempotent; the callback never fires afterwards. Close before closing the fd. */
  close(): void;
  /** Let an active poller keep the event loop alive (default). */
  ref(): void;
  /** Do not let this poller keep the event loop alive. */
  unref(): void;
  hasRef(): boolean;
}

export interface PollerConstructor {
  new (fd: number, callback: PollCallback): Poller;
}

/**
 * The raw binding. Setup calls throw a {@link NativeSystemError}; hot paths (`sendTo`,
 * `recvInto`, `recvAsync`'s callback) return `-errno` instead (e.g. -11 EAGAIN, -105 ENOBUFS).
 * Invalid arguments throw TypeError / RangeError.
 */
export interface NativeBinding {
  /** socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK, protocol), optionally inside the netns given by path or fd. */
  open(protocol: number, netns?: string | number): number;
  /** portId 0 lets the kernel choose. */
  bind(fd: number, portId: number, groups: number): void;
  /** getsockname nl_pid, unsigned. */
  getPortId(fd: number): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  getsockoptInt(fd: number, level: number, name: number): number;
  /** Returns the option length reported by the kernel (may exceed out.byteLength). */
  getsockoptBytes(fd: number, level: number, name: number, out: Uint8Array): number;
  /** Returns bytes sent or -errno. */
  sendTo(fd: number, buf: Uint8Array, offset: number, length: number, portId: number, groups: number): number;
  /**
   * Non-blocking recvmsg(MSG_TRUNC) straight into buf at buf.byteOffset+offset (no copy; buf may
   * view a WebAssembly.Memory). Returns bytes received (<= length) or -errno. `info` is written
   * only on success, see {@link RecvInfo}.
   */
  recvInto(fd: number, buf: Uint8Array, offset: number, length: number, info: Int32Array): number;
  /**
   * poll(POLLIN, timeoutMs) + recvmsg on the libuv thread pool. callback gets bytes or -errno
   * (-110 ETIMEDOUT on timeout). timeoutMs < 0 waits forever (and occupies a pool thread).
   * Do not close the fd, detach buf or grow the underlying WebAssembly.Memory while in flight.
   */
  recvAsync(
    fd: number,
    buf: Uint8Array,
    offset: number,
    length: number,
    timeoutMs: number,
    info: Int32Array,
    callback: (result: number) => void,
  ): void;
  /**
   * One thread-pool job that fills up to `nslots` consecutive slots of `slotSize` bytes at
   * buf[offset...]: the first receive waits like recvAsync, the next ones take what is queued
   * (ending at EAGAIN). `results[i]` gets bytes or -errno per slot, `info` 6 int32 per slot;
   * the callback gets the number of slots filled, or -errno when none was.
   */
  recvBatchAsync(
    fd: number,
    buf: Uint8Array,
    offset: number,
    slotSize: number,
    nslots: number,
    timeoutMs: number,
    info: Int32Array,
    results: Int32Array,
    callback: (count: number) => void,
  ): void;
  /** close(2); EBADF is ignored. Track open/closed state in JS: a reused fd number would be closed too. */
  close(fd: number): void;
  readonly Poller: PollerConstructor;
  readonly SOL_NETLINK: 270;
}

/** Error thrown by setup calls; `errno` is negative (Node's convention), e.g. -1 for EPERM. */
export interface NativeSystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

export function isNativeSystemError(e: unknown): e is NativeSystemError {
  return (
    e instanceof Error &&
    typeof (e as Partial<NativeSystemError>).code === 'string' &&
    typeof (e as Partial<NativeSystemError>).errno === 'number' &&
    typeof (e as Partial<NativeSystemError>).syscall === 'string'
  );
}

const FUNCTIONS = [
  'open',
  'bind',
  'getPortId',
  'setsockoptInt',
  'getsockoptInt',
  'getsockoptBytes',
  'sendTo',
  'recvInto',
  'recvAsync',
  'close',
  'Poller',
] as const;

let cached: NativeBinding | undefined;
let cachedError: Error | undefined;

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** Walks up from this module's directory to the directory whose package.json is named "nlwire". */
export function findPackageRoot(start: string = moduleDir()): string {
  let dir = start;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'nlwire') return dir;
    } catch {
      // no (readable) package.json here: keep walking
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json named "nlwire" found above ${start}`);
    dir = up;
  }
}

function unavailable(reason: string, cause?: unknown): Error {
  return new Error(
    `nlwire: the native addon is unavailable (${reason}). Netlink sockets cannot be opened without it; ` +
      `decoding and encoding with the pure-TypeScript codec ('nlwire/codec') still work. ` +
      `To build it: run \`npm rebuild nlwire\` (or \`cd native && npx node-gyp rebuild\` in the package), ` +
      `which needs python3, make and a C++ compiler.`,
    cause === undefined ? undefined : { cause },
  );
}

function load(): NativeBinding {
  if (process.platform !== 'linux') throw unavailable(`netlink needs Linux, this is ${process.platform}`);
  let dir: string;
  try {
    // NLWIRE_NATIVE_DIR: directory holding build/Release/nlwire.node or prebuilds/ (tests, bundlers).
    dir = process.env.NLWIRE_NATIVE_DIR || join(findPackageRoot(), 'native');
  } catch (e) {
    throw unavailable(e instanceof Error ? e.message : String(e), e);
  }
  let raw: unknown;
  try {
    const req = createRequire(import.meta.url);
    const gypBuild = req('node-gyp-build') as (dir: string) => unknown;
    raw = gypBuild(dir);
  } catch (e) {
    const msg = e instanceof Error ? e.message.trim().split('\n')[0] : String(e);
    throw unavailable(`loading from ${dir} failed: ${msg}`, e);
  }
  if (typeof raw !== 'object' || raw === null) throw unavailable(`${dir} did not export an object`);
  const obj = raw as Record<string, unknown>;
  for (const name of FUNCTIONS) {
    if (typeof obj[name] !== 'function') throw unavailable(`the addon in ${dir} lacks ${name}() (stale build?)`);
  }
  return raw as NativeBinding;
}

/** Loads (once) and returns the native binding; throws a descriptive Error if unavailable. */
export function loadNative(): NativeBinding {
  if (cached) return cached;
  if (cachedError) throw cachedError;
  try {
    cached = load();
    return cached;
  } catch (e) {
    cachedError = e instanceof Error ? e : new Error(String(e));
    throw cachedError;
  }
}

/** True if the native addon can be loaded (loads it on first call). */
export function nativeAvailable(): boolean {
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
}
