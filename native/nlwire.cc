// nlwire native addon: netlink socket syscalls only. No protocol logic lives here.
//
// Conventions
//  - Setup calls (open, bind, getPortId, setsockopt*, getsockopt*, close, Poller ctor/start)
//    throw a Node-style system error: Error with .code ('EPERM'), .errno (NEGATIVE, like
//    Node/libuv: -1 for EPERM), .syscall and, when a path is involved, .path.
//  - Hot paths (sendTo, recvInto, recvAsync's callback) return bytes or -errno; they never throw
//    for syscall failures (only TypeError/RangeError for invalid arguments).
//  - Built with C++ exceptions disabled (NAPI_DISABLE_CPP_EXCEPTIONS): every failing N-API
//    call leaves a pending JS exception and we return immediately, so nothing is ever thrown
//    across a libuv callback.

#include <napi.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_LISTEN_ALL_NSID
#define NETLINK_LISTEN_ALL_NSID 8
#endif
#ifndef CLONE_NEWNET
#define CLONE_NEWNET 0x40000000
#endif

namespace {

constexpr size_t kInfoLen = 6;

// ---------------------------------------------------------------------------------------------
// Errors

// libuv's names/messages first (they match what Node prints); glibc's for errnos libuv does
// not know (it answers "Unknown system error ...").
const char* ErrName(int err, char* buf, size_t buflen) {
  const char* n = uv_err_name_r(-err, buf, buflen);
  if (strncmp(n, "Unknown", 7) != 0) return n;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* g = strerrorname_np(err);
  if (g != nullptr) return g;
#endif
  snprintf(buf, buflen, "E%d", err);
  return buf;
}

const char* ErrDesc(int err, char* buf, size_t buflen) {
  const char* d = uv_strerror_r(-err, buf, buflen);
  if (strncmp(d, "Unknown", 7) != 0) return d;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* g = strerrordesc_np(err);
  if (g != nullptr) return g;
#endif
  return d;
}

// err is a POSITIVE errno value.
Napi::Error SystemError(Napi::Env env, int err, const char* syscall, const char* path = nullptr) {
  char nbuf[64];
  char dbuf[128];
  const char* code = ErrName(err, nbuf, sizeof nbuf);
  const char* desc = ErrDesc(err, dbuf, sizeof dbuf);
  std::string msg = std::string(code) + ": " + desc + ", " + syscall;
  if (path != nullptr) msg += std::string(" '") + path + "'";
  Napi::Error e = Napi::Error::New(env, msg);
  Napi::Object o = e.Value();
  o.Set("errno", Napi::Number::New(env, -err));
  o.Set("code", Napi::String::New(env, code));
  o.Set("syscall", Napi::String::New(env, syscall));
  if (path != nullptr) o.Set("path", Napi::String::New(env, path));
  return e;
}

void ThrowSys(Napi::Env env, int err, const char* syscall, const char* path = nullptr) {
  SystemError(env, err, syscall, path).ThrowAsJavaScriptException();
}

void ThrowType(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
}

void ThrowRange(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
}

// ---------------------------------------------------------------------------------------------
// Argument helpers. Each returns false with a pending JS exception on failure.

bool GetInteger(const Napi::CallbackInfo& info, size_t i, const char* name, double lo, double hi,
                double* out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) {
    ThrowType(info.Env(), std::string("nlwire native: ") + name + " must be a number");
    return false;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::trunc(d) || d < lo || d > hi) {
    ThrowRange(info.Env(), std::string("nlwire native: ") + name + " out of range");
    return false;
  }
  *out = d;
  return true;
}

bool GetFd(const Napi::CallbackInfo& info, size_t i, int* fd) {
  double d;
  if (!GetInteger(info, i, "fd", 0, INT32_MAX, &d)) return false;
  *fd = static_cast<int>(d);
  return true;
}

bool GetI32(const Napi::CallbackInfo& info, size_t i, const char* name, int32_t* out) {
  double d;
  if (!GetInteger(info, i, name, INT32_MIN, INT32_MAX, &d)) return false;
  *out = static_cast<int32_t>(d);
  return true;
}

// Accepts the uint32 range and also negative int32 values (an Int32Array slot holding a
// port id >= 2^31 reads back negative); both map to the same 32-bit pattern.
bool GetU32(const Napi::CallbackInfo& info, size_t i, const char* name, uint32_t* out) {
  double d;
  if (!GetInteger(info, i, name, INT32_MIN, UINT32_MAX, &d)) return false;
  *out = d < 0 ? static_cast<uint32_t>(static_cast<int32_t>(d)) : static_cast<uint32_t>(d);
  return true;
}

struct View {
  uint8_t* data = nullptr;  // already adjusted by byteOffset
  size_t byteLength = 0;
  napi_value value = nullptr;
};

bool GetView(const Napi::CallbackInfo& info, size_t i, const char* name, napi_typedarray_type want,
             View* out) {
  napi_env env = info.Env();
  napi_value v = info[i];
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) {
    ThrowType(info.Env(), std::string("nlwire native: ") + name +
                              (want == napi_int32_array ? " must be an Int32Array"
                                                        : " must be a Uint8Array"));
    return false;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value ab;
  size_t byteOffset = 0;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &byteOffset) != napi_ok) {
    ThrowType(info.Env(), std::string("nlwire native: cannot read ") + name);
    return false;
  }
  bool ok = type == want || (want == napi_uint8_array && type == napi_uint8_clamped_array);
  if (!ok) {
    ThrowType(info.Env(), std::string("nlwire native: ") + name +
                              (want == napi_int32_array ? " must be an Int32Array"
                                                        : " must be a Uint8Array"));
    return false;
  }
  size_t elem = want == napi_int32_array ? 4 : 1;
  out->data = static_cast<uint8_t*>(data);
  out->byteLength = data == nullptr ? 0 : length * elem;  // detached => 0
  out->value = v;
  return true;
}

// buf, offset, length at positions i, i+1, i+2 -> pointer/length checked against the view.
bool GetRange(const Napi::CallbackInfo& info, size_t i, View* view, uint8_t** p, size_t* len) {
  if (!GetView(info, i, "buf", napi_uint8_array, view)) return false;
  double off, n;
  if (!GetInteger(info, i + 1, "offset", 0, 9007199254740991.0, &off)) return false;
  if (!GetInteger(info, i + 2, "length", 0, 9007199254740991.0, &n)) return false;
  if (off + n > static_cast<double>(view->byteLength)) {
    ThrowRange(info.Env(), "nlwire native: offset + length exceeds buf.byteLength");
    return false;
  }
  *len = static_cast<size_t>(n);
  *p = *len == 0 && view->data == nullptr ? nullptr : view->data + static_cast<size_t>(off);
  return true;
}

bool GetInfo(const Napi::CallbackInfo& info, size_t i, View* view) {
  if (!GetView(info, i, "info", napi_int32_array, view)) return false;
  if (view->byteLength < kInfoLen * sizeof(int32_t)) {
    ThrowRange(info.Env(), "nlwire native: info must be an Int32Array with length >= 6");
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Syscall cores (no N-API; RecvCore also runs on the thread pool)

int CloseNoIntr(int fd) {
  // On Linux the fd is released even if close() reports EINTR: never retry.
  int r = close(fd);
  if (r < 0 && errno == EINTR) return 0;
  return r;
}

// Returns bytes copied into p (<= len) or -errno. out[0..5] are written only on success.
ssize_t RecvCore(int fd, uint8_t* p, size_t len, int32_t* out) {
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  struct iovec iov;
  iov.iov_base = p;
  iov.iov_len = len;
  // Room for NETLINK_PKTINFO (u32) and NETLINK_LISTEN_ALL_NSID (int), with slack.
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(struct nl_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64];
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &sa;
  msg.msg_namelen = sizeof sa;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;

  ssize_t n;
  do {
    // MSG_TRUNC: the kernel returns the real datagram length even when it did not fit.
    // MSG_DONTWAIT: never block the caller even if the fd was made blocking elsewhere.
    n = recvmsg(fd, &msg, MSG_TRUNC | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;

  int32_t group = 0;
  int32_t nsid = -1;
  if (msg.msg_controllen > 0) {
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_NETLINK) continue;
      if (c->cmsg_type == NETLINK_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(struct nl_pktinfo))) {
        struct nl_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof pi);
        group = static_cast<int32_t>(pi.group);
      } else if (c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof v);
        nsid = v;
      }
    }
  }
  out[0] = static_cast<int32_t>(sa.nl_pid);
  out[1] = group;
  out[2] = msg.msg_flags;
  out[3] = nsid;
  out[4] = n > INT32_MAX ? INT32_MAX : static_cast<int32_t>(n);
  out[5] = static_cast<int32_t>(sa.nl_groups);
  return static_cast<size_t>(n) > len ? static_cast<ssize_t>(len) : n;
}

int64_t NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// ---------------------------------------------------------------------------------------------
// open(protocol, netns?)

int OpenSelfNetns() {
  int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT) return fd;
  // Kernels < 3.17 have no /proc/thread-self.
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%ld/ns/net", static_cast<long>(syscall(SYS_gettid)));
  return open(path, O_RDONLY | O_CLOEXEC);
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t protocol;
  if (!GetI32(info, 0, "protocol", &protocol)) return env.Undefined();

  const int type = SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK;
  Napi::Value ns = info[1];
  if (ns.IsUndefined() || ns.IsNull()) {
    int fd = socket(AF_NETLINK, type, protocol);
    if (fd < 0) {
      ThrowSys(env, errno, "socket");
      return env.Undefined();
    }
    return Napi::Number::New(env, fd);
  }

  int target = -1;
  bool ownTarget = false;
  std::string path;
  if (ns.IsString()) {
    path = ns.As<Napi::String>().Utf8Value();
    if (path.empty() || path.find('\0') != std::string::npos) {
      ThrowType(env, "nlwire native: netns must be a non-empty path or an fd number");
      return env.Undefined();
    }
    target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
      ThrowSys(env, errno, "open", path.c_str());
      return env.Undefined();
    }
    ownTarget = true;
  } else if (ns.IsNumber()) {
    if (!GetFd(info, 1, &target)) return env.Undefined();
  } else {
    ThrowType(env, "nlwire native: netns must be a path string or an fd number");
    return env.Undefined();
  }

  int self = OpenSelfNetns();
  if (self < 0) {
    int e = errno;
    if (ownTarget) CloseNoIntr(target);
    ThrowSys(env, e, "open", "/proc/thread-self/ns/net");
    return env.Undefined();
  }

  if (setns(target, CLONE_NEWNET) < 0) {
    int e = errno;
    CloseNoIntr(self);
    if (ownTarget) CloseNoIntr(target);
    ThrowSys(env, e, "setns", path.empty() ? nullptr : path.c_str());
    return env.Undefined();
  }

  int fd = socket(AF_NETLINK, type, protocol);
  int sockErr = fd < 0 ? errno : 0;

  if (setns(self, CLONE_NEWNET) < 0) {
    // Switching back into a namespace we were just in cannot fail in practice (EPERM only if
    // privileges were dropped concurrently). Leaving the JS thread in a foreign namespace would
    // silently misroute every later socket of the process, so stop hard instead.
    int e = errno;
    if (fd >= 0) CloseNoIntr(fd);
    char nbuf[64];
    std::string m = std::string("nlwire: setns() back to the original network namespace failed: ") +
                    ErrName(e, nbuf, sizeof nbuf);
    CloseNoIntr(self);
    if (ownTarget) CloseNoIntr(target);
    Napi::Error::Fatal("nlwire::open", m.c_str());
  }
  CloseNoIntr(self);
  if (ownTarget) CloseNoIntr(target);

  if (fd < 0) {
    ThrowSys(env, sockErr, "socket");
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

// ---------------------------------------------------------------------------------------------
// Setup calls (throw)

Napi::Value Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  uint32_t port, groups;
  if (!GetFd(info, 0, &fd) || !GetU32(info, 1, "portId", &port) ||
      !GetU32(info, 2, "groups", &groups))
    return env.Undefined();
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_pid = port;
  sa.nl_groups = groups;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof sa) < 0) ThrowSys(env, errno, "bind");
  return env.Undefined();
}

Napi::Value GetPortId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!GetFd(info, 0, &fd)) return env.Undefined();
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  socklen_t len = sizeof sa;
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&sa), &len) < 0) {
    ThrowSys(env, errno, "getsockname");
    return env.Undefined();
  }
  if (sa.nl_family != AF_NETLINK) {
    ThrowSys(env, EAFNOSUPPORT, "getsockname");
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(sa.nl_pid));
}

Napi::Value SetsockoptInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int32_t level, name;
  uint32_t value;
  if (!GetFd(info, 0, &fd) || !GetI32(info, 1, "level", &level) || !GetI32(info, 2, "name", &name) ||
      !GetU32(info, 3, "value", &value))
    return env.Undefined();
  int v = static_cast<int>(value);
  if (setsockopt(fd, level, name, &v, sizeof v) < 0) ThrowSys(env, errno, "setsockopt");
  return env.Undefined();
}

Napi::Value GetsockoptInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int32_t level, name;
  if (!GetFd(info, 0, &fd) || !GetI32(info, 1, "level", &level) || !GetI32(info, 2, "name", &name))
    return env.Undefined();
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) {
    ThrowSys(env, errno, "getsockopt");
    return env.Undefined();
  }
  return Napi::Number::New(env, v);
}

Napi::Value GetsockoptBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int32_t level, name;
  View out;
  if (!GetFd(info, 0, &fd) || !GetI32(info, 1, "level", &level) || !GetI32(info, 2, "name", &name) ||
      !GetView(info, 3, "out", napi_uint8_array, &out))
    return env.Undefined();
  socklen_t len = static_cast<socklen_t>(out.byteLength > 0x7fffffff ? 0x7fffffff : out.byteLength);
  uint8_t dummy = 0;
  if (getsockopt(fd, level, name, out.data != nullptr ? out.data : &dummy, &len) < 0) {
    ThrowSys(env, errno, "getsockopt");
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(len));
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!GetFd(info, 0, &fd)) return env.Undefined();
  if (CloseNoIntr(fd) < 0 && errno != EBADF) ThrowSys(env, errno, "close");
  return env.Undefined();
}

// ---------------------------------------------------------------------------------------------
// Hot paths (return -errno)

Napi::Value SendTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  View view;
  uint8_t* p;
  size_t len;
  uint32_t port, groups;
  if (!GetFd(info, 0, &fd) || !GetRange(info, 1, &view, &p, &len) ||
      !GetU32(info, 4, "portId", &port) || !GetU32(info, 5, "groups", &groups))
    return env.Undefined();
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_pid = port;
  sa.nl_groups = groups;
  ssize_t n;
  do {
    n = sendto(fd, p, len, MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&sa), sizeof sa);
  } while (n < 0 && errno == EINTR);
  return Napi::Number::New(env, n < 0 ? -errno : static_cast<double>(n));
}

Napi::Value RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  View view, iv;
  uint8_t* p;
  size_t len;
  if (!GetFd(info, 0, &fd) || !GetRange(info, 1, &view, &p, &len) || !GetInfo(info, 4, &iv))
    return env.Undefined();
  int32_t out[kInfoLen];
  ssize_t n = RecvCore(fd, p, len, out);
  if (n >= 0) memcpy(iv.data, out, sizeof out);
  return Napi::Number::New(env, static_cast<double>(n));
}

// Waits (poll, until the deadline) for a datagram and receives it: bytes, or -errno
// (-ETIMEDOUT when none came in time). Used by the thread-pool receives.
ssize_t RecvWait(int fd, uint8_t* p, size_t len, int32_t* out, int timeoutMs) {
  const int64_t deadline = timeoutMs < 0 ? -1 : NowMs() + timeoutMs;
  for (;;) {
    int wait = -1;
    if (deadline >= 0) {
      int64_t left = deadline - NowMs();
      wait = left <= 0 ? 0 : static_cast<int>(left);
    }
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    int r = poll(&pfd, 1, wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (r == 0) return -ETIMEDOUT;
    if (pfd.revents & POLLNVAL) return -EBADF;
    // POLLIN or POLLERR (netlink reports ENOBUFS through sk_err): recvmsg tells which.
    ssize_t n = RecvCore(fd, p, len, out);
    if (n == -EAGAIN || n == -EWOULDBLOCK) {
      // Someone else drained it (or a spurious wakeup): wait again until the deadline.
      if (deadline >= 0 && NowMs() >= deadline) return -ETIMEDOUT;
      continue;
    }
    return n;
  }
}

class RecvWorker : public Napi::AsyncWorker {
 public:
  RecvWorker(const Napi::Function& cb, int fd, uint8_t* p, size_t len, int timeoutMs,
             napi_value buf, napi_value info)
      : Napi::AsyncWorker(cb, "nlwire.recvAsync"), fd_(fd), p_(p), len_(len), timeoutMs_(timeoutMs) {
    // Keep buf (and so its backing store) and info alive while in flight.
    bufRef_ = Napi::Persistent(Napi::Value(cb.Env(), buf));
    infoRef_ = Napi::Persistent(Napi::Value(cb.Env(), info));
  }

  void Execute() override { result_ = RecvWait(fd_, p_, len_, out_, timeoutMs_); }

  void OnOK() override {
    Napi::Env env = Env();
    if (result_ >= 0) {
      // info is written on the JS thread, never from the pool thread.
      napi_typedarray_type type;
      size_t length = 0;
      void* data = nullptr;
      napi_value ab;
      size_t off;
      if (napi_get_typedarray_info(env, infoRef_.Value(), &type, &length, &data, &ab, &off) == napi_ok &&
          type == napi_int32_array && data != nullptr && length >= kInfoLen) {
        memcpy(data, out_, sizeof out_);
      }
    }
    bufRef_.Reset();
    infoRef_.Reset();
    Callback().Call({Napi::Number::New(env, static_cast<double>(result_))});
    // A throwing callback leaves a pending exception; Node-API's async-work completion turns it
    // into an 'uncaughtException' (no C++ exception is involved).
  }

 private:
  int fd_;
  uint8_t* p_;
  size_t len_;
  int timeoutMs_;
  ssize_t result_ = -EINVAL;
  int32_t out_[kInfoLen] = {0, 0, 0, -1, 0, 0};
  Napi::Reference<Napi::Value> bufRef_;
  Napi::Reference<Napi::Value> infoRef_;
};

Napi::Value RecvAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  View view, iv;
  uint8_t* p;
  size_t len;
  if (!GetFd(info, 0, &fd) || !GetRange(info, 1, &view, &p, &len)) return env.Undefined();
  if (!info[4].IsNumber()) {
    ThrowType(env, "nlwire native: timeoutMs must be a number");
    return env.Undefined();
  }
  double t = info[4].As<Napi::Number>().DoubleValue();
  int timeout;
  if (std::isnan(t) || t < 0 || t == INFINITY) timeout = -1;  // wait forever
  else timeout = t >= INT32_MAX ? INT32_MAX : static_cast<int>(std::ceil(t));
  if (!GetInfo(info, 5, &iv)) return env.Undefined();
  if (!info[6].IsFunction()) {
    ThrowType(env, "nlwire native: callback must be a function");
    return env.Undefined();
  }
  RecvWorker* w = new RecvWorker(info[6].As<Napi::Function>(), fd, p, len, timeout, view.value, iv.value);
  if (env.IsExceptionPending()) {
    delete w;
    return env.Undefined();
  }
  w->Queue();
  return env.Undefined();
}

// ---------------------------------------------------------------------------------------------
// recvBatchAsync: one thread-pool job fills several consecutive slots. The first receive waits
// (poll with a deadline, as recvAsync); later ones never block and the batch ends at EAGAIN, at
// an error, or when the slots are full. For dumps the kernel builds the next chunk inside each
// recvmsg, so a batch reads chunk after chunk with one thread hand-off instead of one per chunk.
// Results: results[i] = bytes or -errno for slot i; info holds kInfoLen int32s per slot.

class RecvBatchWorker : public Napi::AsyncWorker {
 public:
  RecvBatchWorker(const Napi::Function& cb, int fd, uint8_t* p, size_t slotSize, size_t nslots, int timeoutMs,
                  napi_value buf, napi_value info, napi_value results)
      : Napi::AsyncWorker(cb, "nlwire.recvBatchAsync"), fd_(fd), p_(p), slotSize_(slotSize), nslots_(nslots),
        timeoutMs_(timeoutMs), out_(nslots * kInfoLen, 0), res_(nslots, 0) {
    bufRef_ = Napi::Persistent(Napi::Value(cb.Env(), buf));
    infoRef_ = Napi::Persistent(Napi::Value(cb.Env(), info));
    resRef_ = Napi::Persistent(Napi::Value(cb.Env(), results));
  }

  void Execute() override {
    // First slot: wait for data.
    ssize_t first = RecvWait(fd_, p_, slotSize_, &out_[0], timeoutMs_);
    if (first < 0) {
      first_ = first;  // the callback gets -errno (no slot filled)
      return;
    }
    res_[0] = static_cast<int32_t>(first);
    count_ = 1;
    // Further slots: whatever is queued now.
    while (count_ < nslots_) {
      ssize_t n = RecvCore(fd_, p_ + count_ * slotSize_, slotSize_, &out_[count_ * kInfoLen]);
      if (n == -EAGAIN || n == -EWOULDBLOCK) break;
      res_[count_++] = static_cast<int32_t>(n);
      if (n < 0) break;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (count_ > 0) {
      CopyInto(env, infoRef_.Value(), out_.data(), count_ * kInfoLen);
      CopyInto(env, resRef_.Value(), res_.data(), count_);
    }
    bufRef_.Reset();
    infoRef_.Reset();
    resRef_.Reset();
    Callback().Call({Napi::Number::New(env, static_cast<double>(count_ > 0 ? static_cast<int64_t>(count_) : first_))});
  }

 private:
  // Typed arrays are written on the JS thread only.
  static void CopyInto(napi_env env, napi_value arr, const int32_t* src, size_t n) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value ab;
    size_t off;
    if (napi_get_typedarray_info(env, arr, &type, &length, &data, &ab, &off) == napi_ok &&
        type == napi_int32_array && data != nullptr && length >= n) {
      memcpy(data, src, n * sizeof(int32_t));
    }
  }

  int fd_;
  uint8_t* p_;
  size_t slotSize_;
  size_t nslots_;
  int timeoutMs_;
  std::vector<int32_t> out_;
  std::vector<int32_t> res_;
  size_t count_ = 0;
  int64_t first_ = 0;
  Napi::Reference<Napi::Value> bufRef_, infoRef_, resRef_;
};

// recvBatchAsync(fd, buf, offset, slotSize, nslots, timeoutMs, info: Int32Array, results: Int32Array, cb)
Napi::Value RecvBatchAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!GetFd(info, 0, &fd)) return env.Undefined();
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowType(env, "nlwire native: buf must be a Uint8Array");
    return env.Undefined();
  }
  for (size_t i = 2; i <= 5; i++) {
    if (!info[i].IsNumber()) {
      ThrowType(env, "nlwire native: offset, slotSize, nslots and timeoutMs must be numbers");
      return env.Undefined();
    }
  }
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  double offset = info[2].As<Napi::Number>().DoubleValue();
  double slotSize = info[3].As<Napi::Number>().DoubleValue();
  double nslots = info[4].As<Napi::Number>().DoubleValue();
  if (!(offset >= 0) || !(slotSize >= 1) || !(nslots >= 1) || nslots > 4096 ||
      offset + slotSize * nslots > static_cast<double>(buf.ByteLength())) {
    Napi::RangeError::New(env, "nlwire native: slots outside the buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double t = info[5].As<Napi::Number>().DoubleValue();
  int timeout;
  if (std::isnan(t) || t < 0 || t == INFINITY) timeout = -1;
  else timeout = t >= INT32_MAX ? INT32_MAX : static_cast<int>(std::ceil(t));
  size_t n = static_cast<size_t>(nslots);
  for (size_t i = 6; i <= 7; i++) {
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        info[i].As<Napi::TypedArray>().ElementLength() < (i == 6 ? n * kInfoLen : n)) {
      ThrowType(env, "nlwire native: info needs 6 int32 per slot and results one per slot (Int32Array)");
      return env.Undefined();
    }
  }
  if (!info[8].IsFunction()) {
    ThrowType(env, "nlwire native: callback must be a function");
    return env.Undefined();
  }
  uint8_t* p = static_cast<uint8_t*>(buf.ArrayBuffer().Data()) + buf.ByteOffset() + static_cast<size_t>(offset);
  RecvBatchWorker* w = new RecvBatchWorker(info[8].As<Napi::Function>(), fd, p, static_cast<size_t>(slotSize), n, timeout,
                                           info[1], info[6], info[7]);
  if (env.IsExceptionPending()) {
    delete w;
    return env.Undefined();
  }
  w->Queue();
  return env.Undefined();
}

// ---------------------------------------------------------------------------------------------
// Poller: readiness over uv_poll_t

class Poller;

struct EnvState {
  std::unordered_set<Poller*> live;  // Pollers whose uv handle is open
  // The JS callback is stored on the wrapper object under this symbol (not in a persistent
  // reference), so a stopped Poller whose callback closes over it can still be collected.
  Napi::Reference<Napi::Symbol> cbKey;
};

// malloc'ed; `handle` must stay the first member (see FreePollHandle).
struct PollHandle {
  uv_poll_t handle;
  napi_env env;
  Poller* owner;  // nullptr once closed
};
static_assert(offsetof(PollHandle, handle) == 0, "handle must be first");

// The close callback is libc's free() itself, not a function of this library: in a worker thread
// Node dlclose()s the addon when the environment is destroyed but runs the loop's pending close
// callbacks after that, so a close_cb living in this .so would be called after being unmapped.
inline uv_close_cb FreePollHandle() { return reinterpret_cast<uv_close_cb>(&free); }

class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Define(Napi::Env env, EnvState* state) {
    return DefineClass(env, "Poller",
                       {
                           InstanceMethod<&Poller::Start>("start"),
                           InstanceMethod<&Poller::Stop>("stop"),
                           InstanceMethod<&Poller::Close>("close"),
                           InstanceMethod<&Poller::JsRef>("ref"),
                           InstanceMethod<&Poller::JsUnref>("unref"),
                           InstanceMethod<&Poller::HasRef>("hasRef"),
                       },
                       state);
  }

  explicit Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    state_ = static_cast<EnvState*>(info.Data());
    int fd;
    if (!GetFd(info, 0, &fd)) return;
    if (!info[1].IsFunction()) {
      ThrowType(env, "nlwire native: Poller callback must be a function");
      return;
    }
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      Napi::Error::New(env, "nlwire native: no libuv loop").ThrowAsJavaScriptException();
      return;
    }
    PollHandle* h = static_cast<PollHandle*>(calloc(1, sizeof(PollHandle)));
    if (h == nullptr) {
      ThrowSys(env, ENOMEM, "calloc");
      return;
    }
    int r = uv_poll_init(loop, &h->handle, fd);
    if (r < 0) {
      free(h);  // not initialised: no uv_close needed
      ThrowSys(env, -r, "uv_poll_init");
      return;
    }
    h->handle.data = h;
    h->env = env;
    h->owner = this;
    h_ = h;
    if (state_ != nullptr) state_->live.insert(this);
    Napi::Object self = info.This().As<Napi::Object>();
    self.DefineProperty(Napi::PropertyDescriptor::Value(
        state_->cbKey.Value(), info[1],
        static_cast<napi_property_attributes>(napi_writable | napi_configurable)));
    if (env.IsExceptionPending()) return;
    ctx_.reset(new Napi::AsyncContext(env, "nlwire.Poller"));
  }

  ~Poller() override { CloseHandle(true); }

  // Env teardown: close every handle that is still open so the loop can be closed.
  static void CleanupHook(void* arg) {
    EnvState* st = static_cast<EnvState*>(arg);
    std::unordered_set<Poller*> live;
    live.swap(st->live);
    for (Poller* p : live) {
      p->state_ = nullptr;
      p->CloseHandle(true);
    }
    delete st;
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (h_ == nullptr) {
      Napi::Error::New(env, "nlwire native: Poller is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    int r = uv_poll_start(&h_->handle, UV_READABLE, OnPoll);
    if (r < 0) {
      ThrowSys(env, -r, "uv_poll_start");
      return env.Undefined();
    }
    if (!active_) {
      active_ = true;
      Ref();  // an active poller must not be garbage collected
    }
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (h_ != nullptr) uv_poll_stop(&h_->handle);
    if (active_) {
      active_ = false;
      Unref();
    }
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseHandle(false);
    return info.Env().Undefined();
  }

  Napi::Value JsRef(const Napi::CallbackInfo& info) {
    refed_ = true;
    if (h_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&h_->handle));
    return info.Env().Undefined();
  }

  Napi::Value JsUnref(const Napi::CallbackInfo& info) {
    refed_ = false;
    if (h_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&h_->handle));
    return info.Env().Undefined();
  }

  Napi::Value HasRef(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), h_ != nullptr && refed_);
  }

  void CloseHandle(bool finalizing) {
    if (h_ != nullptr) {
      PollHandle* h = h_;
      h_ = nullptr;
      h->owner = nullptr;
      uv_poll_stop(&h->handle);
      // libuv never invokes poll_cb after uv_close(); the closing handle does not keep the
      // loop alive. Memory is freed by the close callback (free).
      uv_close(reinterpret_cast<uv_handle_t*>(&h->handle), FreePollHandle());
      if (state_ != nullptr) state_->live.erase(this);
    }
    if (finalizing) return;  // references are torn down by the destructor itself
    if (active_) {
      active_ = false;
      Unref();
    }
    if (state_ != nullptr) Value().Set(state_->cbKey.Value(), Env().Undefined());  // drop the closure
    if (!inCallback_) ctx_.reset();
  }

  static void OnPoll(uv_poll_t* handle, int status, int events) {
    PollHandle* h = static_cast<PollHandle*>(handle->data);
    Poller* self = h->owner;
    if (self == nullptr || self->state_ == nullptr || !self->ctx_) return;
    napi_env env = h->env;
    Napi::HandleScope scope(env);
    Napi::Object recv = self->Value();
    Napi::Value fn = recv.Get(self->state_->cbKey.Value());
    if (!fn.IsFunction()) {
      if (Napi::Env(env).IsExceptionPending()) Napi::Env(env).GetAndClearPendingException();
      return;
    }
    self->Ref();  // keep the wrapper alive even if the callback closes it and drops it
    self->inCallback_ = true;
    napi_value argv[2];
    napi_create_int32(env, status, &argv[0]);
    napi_create_int32(env, events, &argv[1]);
    napi_value result;
    napi_make_callback(env, *self->ctx_, recv, fn, 2, argv, &result);
    self->inCallback_ = false;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value err;
      if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
    }
    if (self->h_ == nullptr) self->ctx_.reset();  // closed inside the callback
    self->Unref();  // `self` may be collected after this: do not touch it again
  }

  EnvState* state_ = nullptr;
  PollHandle* h_ = nullptr;
  std::unique_ptr<Napi::AsyncContext> ctx_;
  bool active_ = false;
  bool refed_ = true;
  bool inCallback_ = false;
};

// ---------------------------------------------------------------------------------------------

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EnvState* state = new EnvState();
  state->cbKey = Napi::Persistent(Napi::Symbol::New(env, "nlwire.Poller.callback"));
  if (napi_add_env_cleanup_hook(env, Poller::CleanupHook, state) != napi_ok) {
    delete state;
    Napi::Error::New(env, "nlwire native: napi_add_env_cleanup_hook failed").ThrowAsJavaScriptException();
    return exports;
  }
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("bind", Napi::Function::New<Bind>(env, "bind"));
  exports.Set("getPortId", Napi::Function::New<GetPortId>(env, "getPortId"));
  exports.Set("setsockoptInt", Napi::Function::New<SetsockoptInt>(env, "setsockoptInt"));
  exports.Set("getsockoptInt", Napi::Function::New<GetsockoptInt>(env, "getsockoptInt"));
  exports.Set("getsockoptBytes", Napi::Function::New<GetsockoptBytes>(env, "getsockoptBytes"));
  exports.Set("sendTo", Napi::Function::New<SendTo>(env, "sendTo"));
  exports.Set("recvInto", Napi::Function::New<RecvInto>(env, "recvInto"));
  exports.Set("recvAsync", Napi::Function::New<RecvAsync>(env, "recvAsync"));
  exports.Set("recvBatchAsync", Napi::Function::New<RecvBatchAsync>(env, "recvBatchAsync"));
  exports.Set("close", Napi::Function::New<Close>(env, "close"));
  exports.Set("Poller", Poller::Define(env, state));
  exports.Set("SOL_NETLINK", Napi::Number::New(env, SOL_NETLINK));
  return exports;
}

}  // namespace

NODE_API_MODULE(nlwire, Init)
