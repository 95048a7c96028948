// Receive-only floor for bench/route-dump.ts: one raw NETLINK_ROUTE dump, 32 KiB reads, headers
// walked only to count messages and find NLMSG_DONE. This is what the kernel costs (the dump is
// built inside the reader's recvmsg), so every in-process variant is reported as a ratio to it.
//
// Build: cc -O2 -o floor bench/floor.c
// Usage: floor route|link [family] [runs]   (run it inside the namespace: ip netns exec NS ./floor)
// Prints one line per run: "FLOOR <seconds> <messages> <bytes>".
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "route";
  int family = argc > 2 ? atoi(argv[2]) : AF_INET;
  int runs = argc > 3 ? atoi(argv[3]) : 1;
  int isLink = strcmp(what, "link") == 0;
  static char buf[32768];
  for (int run = 0; run < runs; run++) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    if (bind(fd, (struct sockaddr*)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
    struct {
      struct nlmsghdr h;
      union { struct rtmsg r; struct ifinfomsg i; } u;
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_type = isLink ? RTM_GETLINK : RTM_GETROUTE;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    if (isLink) {
      req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
      req.u.i.ifi_family = AF_UNSPEC;
    } else {
      req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
      req.u.r.rtm_family = (unsigned char)family;
    }
    double t0 = now();
    if (send(fd, &req, req.h.nlmsg_len, 0) < 0) { perror("send"); return 1; }
    long messages = 0, bytes = 0;
    int done = 0;
    while (!done) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 0) { perror("recv"); return 1; }
      bytes += n;
      for (struct nlmsghdr* h = (struct nlmsghdr*)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) { done = 1; break; }
        messages++;
      }
    }
    double t1 = now();
    printf("FLOOR %.6f %ld %ld\n", t1 - t0, messages, bytes);
    fflush(stdout);
    close(fd);
  }
  return 0;
}
