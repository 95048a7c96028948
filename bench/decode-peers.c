// C peers for bench/decode.ts and bench/route-dump.ts: the numbers nlwire is measured against.
//
//   decode-peers raw FILE RUNS      hand-written NLMSG_OK/RTA_OK loop over a route dump file
//   decode-peers mnl FILE RUNS      libmnl: mnl_cb_run per chunk + mnl_attr_parse into tb[]
//   decode-peers mnl-dump RUNS      libmnl dump + parse of the current namespace's IPv4 routes
//   decode-peers save FILE          writes the namespace's IPv4 route dump (messages only) to FILE
//   decode-peers mnl-links RUNS     libmnl link dump, every top-level attribute parsed (and IFLA_STATS64 read)
//   decode-peers save-links FILE    writes the namespace's link dump (messages only) to FILE
//   decode-peers mnl-links-mem FILE RUNS   the link callback of mnl-links over that file (decode only)
//
// Every decoder fills one struct per route (dst, dst_len, table, protocol, scope, type, gateway,
// oif, priority) and prints "PEER <seconds> <routes> <checksum>" per run; the file is split into
// message-aligned chunks of <= 32 KiB (what recv() returns in a dump) before timing.
// Build: cc -O2 -o decode-peers bench/decode-peers.c -lmnl
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct route { uint32_t dst, gw, table, oif, prio; uint8_t dst_len, protocol, scope, type; };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct route *routes;
static size_t nroutes, cap;

static struct route *next_route(void) {
  if (nroutes == cap) {
    cap = cap ? cap * 2 : 1 << 16;
    routes = realloc(routes, cap * sizeof *routes);
  }
  struct route *r = &routes[nroutes++];
  memset(r, 0, sizeof *r);
  return r;
}

static uint64_t checksum(void) {
  uint64_t s = 0;
  for (size_t i = 0; i < nroutes; i++) {
    struct route *r = &routes[i];
    s += (r->dst ^ r->gw) + r->dst_len + r->table + r->protocol + r->scope + r->type + r->oif + r->prio;
  }
  return s;
}

// ---- file and chunks ----------------------------------------------------------------------------

static unsigned char *data;
static size_t size;
static size_t *chunk_off, *chunk_len, nchunks;

static void load(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = malloc(size);
  if (fread(data, 1, size, f) != size) { perror("read"); exit(1); }
  fclose(f);
  chunk_off = malloc(sizeof(size_t) * (size / 16 + 1));
  chunk_len = malloc(sizeof(size_t) * (size / 16 + 1));
  size_t start = 0, off = 0;
  while (off < size) {
    uint32_t len = ((struct nlmsghdr *)(data + off))->nlmsg_len;
    size_t next = off + NLMSG_ALIGN(len);
    if (next - start > 32768) { chunk_off[nchunks] = start; chunk_len[nchunks++] = off - start; start = off; }
    off = next;
  }
  if (off > start) { chunk_off[nchunks] = start; chunk_len[nchunks++] = off - start; }
}

// ---- hand-written loop ---------------------------------------------------------------------------

static void raw_chunk(unsigned char *buf, size_t len) {
  int left = (int)len;
  for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
    if (h->nlmsg_type != RTM_NEWROUTE) continue;
    struct rtmsg *rtm = NLMSG_DATA(h);
    struct route *r = next_route();
    r->dst_len = rtm->rtm_dst_len; r->table = rtm->rtm_table; r->protocol = rtm->rtm_protocol;
    r->scope = rtm->rtm_scope; r->type = rtm->rtm_type;
    int alen = RTM_PAYLOAD(h);
    for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
      uint32_t v = RTA_PAYLOAD(a) >= 4 ? *(uint32_t *)RTA_DATA(a) : 0;
      switch (a->rta_type) {
        case RTA_DST: r->dst = v; break;
        case RTA_GATEWAY: r->gw = v; break;
        case RTA_TABLE: r->table = v; break;
        case RTA_OIF: r->oif = v; break;
        case RTA_PRIORITY: r->prio = v; break;
      }
    }
  }
}

// ---- libmnl ------------------------------------------------------------------------------------

static int attr_cb(const struct nlattr *attr, void *data) {
  const struct nlattr **tb = data;
  int type = mnl_attr_get_type(attr);
  if (mnl_attr_type_valid(attr, RTA_MAX) < 0) return MNL_CB_OK;
  switch (type) {
    case RTA_TABLE: case RTA_OIF: case RTA_PRIORITY: case RTA_DST: case RTA_GATEWAY:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) return MNL_CB_ERROR;
      break;
  }
  tb[type] = attr;
  return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *unused) {
  (void)unused;
  const struct nlattr *tb[RTA_MAX + 1] = {0};
  struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
  mnl_attr_parse(nlh, sizeof *rtm, attr_cb, tb);
  struct route *r = next_route();
  r->dst_len = rtm->rtm_dst_len; r->table = rtm->rtm_table; r->protocol = rtm->rtm_protocol;
  r->scope = rtm->rtm_scope; r->type = rtm->rtm_type;
  if (tb[RTA_TABLE]) r->table = mnl_attr_get_u32(tb[RTA_TABLE]);
  if (tb[RTA_DST]) r->dst = mnl_attr_get_u32(tb[RTA_DST]);
  if (tb[RTA_GATEWAY]) r->gw = mnl_attr_get_u32(tb[RTA_GATEWAY]);
  if (tb[RTA_OIF]) r->oif = mnl_attr_get_u32(tb[RTA_OIF]);
  if (tb[RTA_PRIORITY]) r->prio = mnl_attr_get_u32(tb[RTA_PRIORITY]);
  return MNL_CB_OK;
}

static size_t nlinks;
static uint64_t link_sum;
static int link_attr_cb(const struct nlattr *attr, void *data) {
  const struct nlattr **tb = data;
  if (mnl_attr_type_valid(attr, IFLA_MAX) < 0) return MNL_CB_OK;
  tb[mnl_attr_get_type(attr)] = attr;
  return MNL_CB_OK;
}
static int link_cb(const struct nlmsghdr *nlh, void *unused) {
  (void)unused;
  const struct nlattr *tb[IFLA_MAX + 1] = {0};
  struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
  mnl_attr_parse(nlh, sizeof *ifm, link_attr_cb, tb);
  nlinks++;
  link_sum += ifm->ifi_index;
  if (tb[IFLA_MTU]) link_sum += mnl_attr_get_u32(tb[IFLA_MTU]);
  if (tb[IFLA_IFNAME]) link_sum += strlen(mnl_attr_get_str(tb[IFLA_IFNAME]));
  if (tb[IFLA_STATS64]) link_sum += ((uint64_t *)mnl_attr_get_payload(tb[IFLA_STATS64]))[0];
  return MNL_CB_OK;
}
/** Writes a datagram's messages to `save` (messages only: it stops before NLMSG_DONE or NLMSG_ERROR, and then returns 1). */
static int save_messages(char *buf, int len, FILE *save) {
  int left = len;
  for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
    if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return 1;
    fwrite(h, 1, NLMSG_ALIGN(h->nlmsg_len), save);
  }
  return 0;
}

static void mnl_links(FILE *save) {
  char buf[32768];
  struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
  if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("mnl_socket"); exit(1); }
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = 1;
  mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) { perror("sendto"); exit(1); }
  unsigned int portid = mnl_socket_get_portid(nl);
  for (;;) {
    int ret = mnl_socket_recvfrom(nl, buf, sizeof buf);
    if (ret <= 0) break;
    if (save) {
      if (save_messages(buf, ret, save)) break;
      continue;
    }
    if (mnl_cb_run(buf, ret, 1, portid, link_cb, NULL) <= MNL_CB_STOP) break;
  }
  mnl_socket_close(nl);
}

static int mnl_dump(FILE *save) {
  char buf[32768];
  struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
  if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("mnl_socket"); exit(1); }
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = 1;
  struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
  rtm->rtm_family = AF_INET;
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) { perror("sendto"); exit(1); }
  unsigned int portid = mnl_socket_get_portid(nl);
  int ret;
  for (;;) {
    ret = mnl_socket_recvfrom(nl, buf, sizeof buf);
    if (ret <= 0) break;
    if (save) {
      if (save_messages(buf, ret, save)) break;
      continue;
    }
    ret = mnl_cb_run(buf, ret, 1, portid, route_cb, NULL);
    if (ret <= MNL_CB_STOP) break;
  }
  mnl_socket_close(nl);
  return ret;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: decode-peers raw|mnl FILE RUNS | mnl-dump RUNS | save FILE\n"); return 2; }
  const char *mode = argv[1];
  if (!strcmp(mode, "save")) {
    FILE *f = fopen(argv[2], "wb");
    mnl_dump(f);
    fclose(f);
    return 0;
  }
  if (!strcmp(mode, "save-links")) {
    FILE *f = fopen(argv[2], "wb");
    mnl_links(f);
    fclose(f);
    return 0;
  }
  if (!strcmp(mode, "mnl-links-mem")) {
    load(argv[2]);
    int runs = argc > 3 ? atoi(argv[3]) : 1;
    for (int i = 0; i < runs; i++) {
      nlinks = 0;
      double t0 = now();
      for (size_t c = 0; c < nchunks; c++) {
        if (mnl_cb_run(data + chunk_off[c], chunk_len[c], 0, 0, link_cb, NULL) < 0) { perror("mnl_cb_run"); return 1; }
      }
      printf("PEER %.6f %zu %llu\n", now() - t0, nlinks, (unsigned long long)link_sum);
    }
    return 0;
  }
  if (!strcmp(mode, "mnl-links")) {
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    for (int i = 0; i < runs; i++) {
      nlinks = 0;
      double t0 = now();
      mnl_links(NULL);
      printf("PEER %.6f %zu %llu\n", now() - t0, nlinks, (unsigned long long)link_sum);
    }
    return 0;
  }
  if (!strcmp(mode, "mnl-dump")) {
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    for (int i = 0; i < runs; i++) {
      nroutes = 0;
      double t0 = now();
      mnl_dump(NULL);
      printf("PEER %.6f %zu %llu\n", now() - t0, nroutes, (unsigned long long)checksum());
    }
    return 0;
  }
  load(argv[2]);
  int runs = argc > 3 ? atoi(argv[3]) : 1;
  for (int i = 0; i < runs; i++) {
    nroutes = 0;
    double t0 = now();
    for (size_t c = 0; c < nchunks; c++) {
      if (!strcmp(mode, "raw")) raw_chunk(data + chunk_off[c], chunk_len[c]);
      else if (mnl_cb_run(data + chunk_off[c], chunk_len[c], 0, 0, route_cb, NULL) < 0) { perror("mnl_cb_run"); return 1; }
    }
    printf("PEER %.6f %zu %llu\n", now() - t0, nroutes, (unsigned long long)checksum());
  }
  return 0;
}
