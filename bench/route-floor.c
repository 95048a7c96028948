// Kernel floor for bench/route-changes.ts: N route adds (20.x.y.z/32 via 10.0.0.2, as in the
// bench's batch file) over raw netlink, PER messages per datagram, NLM_F_ACK on the last of each
// (the kernel reports failures in any case). What the kernel costs; no tool can do better.
//
// Build: cc -O2 -o route-floor bench/route-floor.c
// Usage: ip netns exec NS ./route-floor N [PER]   (prints "FLOOR <seconds>"; exit 1 on any error)
#include <arpa/inet.h>
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

static int addAttr(struct nlmsghdr* h, int type, const void* data, int len) {
  struct rtattr* a = (struct rtattr*)((char*)h + NLMSG_ALIGN(h->nlmsg_len));
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return 0;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  int per = argc > 2 ? atoi(argv[2]) : 52;
  double t0 = now();
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (fd < 0 || bind(fd, (struct sockaddr*)&sa, sizeof sa) < 0) { perror("socket"); return 1; }
  static char buf[1 << 20], reply[65536];
  struct in_addr gw;
  inet_pton(AF_INET, "10.0.0.2", &gw);
  unsigned seq = 1;
  for (int i = 0; i < n;) {
    int off = 0;
    for (int k = 0; k < per && i < n; k++, i++) {
      struct nlmsghdr* h = (struct nlmsghdr*)(buf + off);
      memset(h, 0, 64);
      h->nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
      h->nlmsg_type = RTM_NEWROUTE;
      h->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | (k == per - 1 || i == n - 1 ? NLM_F_ACK : 0);
      h->nlmsg_seq = seq++;
      struct rtmsg* r = NLMSG_DATA(h);
      r->rtm_family = AF_INET;
      r->rtm_dst_len = 32;
      r->rtm_table = RT_TABLE_MAIN;
      r->rtm_protocol = RTPROT_BOOT;
      r->rtm_scope = RT_SCOPE_UNIVERSE;
      r->rtm_type = RTN_UNICAST;
      unsigned dst = htonl((20u << 24) + (unsigned)i);
      addAttr(h, RTA_DST, &dst, 4);
      addAttr(h, RTA_GATEWAY, &gw, 4);
      off += NLMSG_ALIGN(h->nlmsg_len);
    }
    if (send(fd, buf, off, 0) < 0) { perror("send"); return 1; }
    // The first answer is the datagram's ACK, or the error of its first failing message.
    if (recv(fd, reply, sizeof reply, 0) < 0) { perror("recv"); return 1; }
    struct nlmsgerr* e = NLMSG_DATA((struct nlmsghdr*)reply);
    if (e->error) { fprintf(stderr, "route %d: error %d\n", i, e->error); return 1; }
  }
  printf("FLOOR %.3f\n", now() - t0);
  return 0;
}
