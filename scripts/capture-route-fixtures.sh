#!/usr/bin/env bash
# Captures real rtnetlink traffic for test/route-decl.test.ts: builds a scratch network namespace
# with the objects we decode (links of several kinds, addresses, routes, nexthops, neighbours,
# rules, qdiscs...), then runs iproute2 under strace and writes every netlink buffer it receives
# (NAME.hex) and sends (NAME.req.hex) as one hex line, so fixtures come from the kernel and not
# from our own socket layer. Needs root, strace and iproute2. Usage:
#   sudo scripts/capture-route-fixtures.sh [OUTDIR]   (default test/fixtures/route)
# Commands the kernel or iproute2 here cannot do are reported and skipped.
set -u
OUT=${1:-$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/route}
NS=nlwdecl-$$
NS2=nlwdecl2-$$
mkdir -p "$OUT"
TMP=$(mktemp -d)
cleanup() { ip netns del "$NS" 2>/dev/null; ip netns del "$NS2" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# Runs a command; failures are reported, not fatal (kernels differ in what they support).
try() { "$@" >/dev/null 2>"$TMP/err" || echo "skipped ($(head -c 120 "$TMP/err" | tr '\n' ' ')): $*" >&2; }
n() { try ip -n "$NS" "$@"; }
nb() { try ip netns exec "$NS" bridge "$@"; }
ntc() { try ip netns exec "$NS" tc "$@"; }

# strace hex dumps -> one hex line per buffer. A dump follows its syscall line; recvmsg with
# MSG_PEEK (iproute2 sizes its buffer first) carries no data and is left out. Most iproute2
# commands dump all links first (to map names): with $4=1 those RTM_NEWLINK buffers are dropped
# (the link captures have them already).
strace_to_hex() { # $1 strace log, $2 recv file, $3 send file, $4 drop link dumps
  awk -v rx="$2" -v tx="$3" -v droplinks="$4" '
    function flush() {
      if (buf != "" && dst != "" && !(droplinks && dst == rx && substr(buf, 9, 4) == "1000")) print buf >> dst
      buf = ""
    }
    /^(recvmsg|recvfrom|read)\(/ { flush(); dst = ($0 ~ /MSG_PEEK/) ? "" : rx; next }
    /^(sendmsg|sendto|write)\(/ { flush(); dst = tx; next }
    /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / {
      hex = substr($0, 11, 49); gsub(/[^0-9a-f]/, "", hex); buf = buf hex; next }
    /^[a-z_0-9]+\(/ { flush(); dst = "" }
    END { flush() }' "$1"
}

# capture NAME CMD...: run CMD inside the namespace under strace.
capture() {
  local name=$1; shift
  rm -f "$OUT/$name.hex" "$OUT/$name.req.hex"
  echo "# ${*//$TMP\//}" > "$OUT/$name.hex"
  echo "# ${*//$TMP\//}" > "$OUT/$name.req.hex"
  ip netns exec "$NS" strace -qq -x -s 0 -e trace=recvmsg,recvfrom,sendmsg,sendto \
    -e read=all -e write=all -o "$TMP/trace" "$@" >/dev/null 2>"$TMP/err" \
    || echo "capture $name: command failed: $(head -c 200 "$TMP/err")" >&2
  local droplinks=1
  case $name in link*|req-*) droplinks=0 ;; esac
  strace_to_hex "$TMP/trace" "$OUT/$name.hex" "$OUT/$name.req.hex" $droplinks
  [ "$(wc -l < "$OUT/$name.req.hex")" -gt 1 ] || rm -f "$OUT/$name.req.hex"
  echo "$name: $(($(wc -l < "$OUT/$name.hex") - 1)) buffers"
}

ip netns add "$NS" || exit 1
ip netns add "$NS2" || exit 1
# IPv6 forwarding makes the kernel join subnet-router anycast addresses (for the anycast dump)
try ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
  net.ipv6.conf.all.forwarding=1

# ---- links ------------------------------------------------------------------------------------
n link set lo up
n link add veth0 type veth peer name veth1
n link add br0 type bridge mcast_snooping 1
n link set br0 type bridge vlan_filtering 1
n link add veth2 type veth peer name veth3
n link set veth2 master br0
n link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 ttl 64
n link add vx1 type vxlan external dstport 4790
n link set vx0 master br0
n link add mv0 link veth1 type macvlan mode bridge
n link add ifb0 type ifb
n link add veth4 type veth peer name veth5 netns "$NS2"
n tuntap add tap0 mode tap
n link set veth0 alias uplink group 5 txqueuelen 500
n link property add dev veth0 altname uplink0
for d in veth0 veth1 br0 veth2 veth3 vx0 vx1 mv0 ifb0 veth4; do n link set "$d" up; done

# ---- addresses --------------------------------------------------------------------------------
n addr add 10.0.0.1/24 brd + dev veth0 label veth0:a
n addr add 10.0.1.1/24 dev veth0 metric 100
n addr add 10.0.2.1 peer 10.0.2.2/32 dev veth0
n addr add 10.0.5.1/24 dev veth1
n addr add 2001:db8::1/64 dev veth0 nodad
n addr add 2001:db8:1::1/64 dev veth0 valid_lft 1000 preferred_lft 500 nodad
n addr add 2001:db8:5::1/64 dev veth1 nodad
n addr add 192.168.100.1/24 dev br0

# ---- nexthops ---------------------------------------------------------------------------------
n nexthop add id 1 via 10.0.0.2 dev veth0
n nexthop add id 2 via 10.0.1.2 dev veth0
n nexthop add id 3 blackhole
n nexthop add id 4 via 2001:db8::20 dev veth0
n nexthop add id 5 dev veth0
n nexthop add id 10 group 1/2,3
n nexthop add id 11 group 1/2 type resilient buckets 8 idle_timer 120
n nexthop add id 20 via 10.0.0.9 fdb
n nexthop add id 21 group 20 fdb

# ---- routes -----------------------------------------------------------------------------------
n route add 10.10.0.0/24 via 10.0.0.2
n route add 10.11.0.0/24 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.1.2 weight 3
n route add 10.12.0.0/24 via 10.0.0.2 table 100 mtu lock 1400 advmss 1360 initcwnd 10 congctl reno rto_min 200ms
n route add 10.13.0.0/24 via inet6 fe80::1 dev veth0
n route add blackhole 10.14.0.0/24
n route add unreachable 10.14.1.0/24 table 100
n route add prohibit 10.14.2.0/24 table 100
n route add 10.15.0.0/24 encap ip id 100 dst 10.0.0.9 ttl 10 dev vx1
n route add 10.16.0.0/24 encap seg6 mode encap segs 2001:db8::9 dev veth0
n route add 10.18.0.0/24 nhid 10
n route add 10.19.0.0/24 via 10.0.0.2 realm 5 proto static metric 50
n route add 10.20.0.0/24 dev veth0 src 10.0.0.1 scope link
n route add 10.21.0.0/24 nexthop via 10.0.0.2 realm 7 nexthop encap ip id 5 dst 10.0.0.8 dev vx1
n -6 route add 2001:db8:10::/64 via 2001:db8::20 pref high
n -6 route add 2001:db8:11::/64 nexthop via 2001:db8::20 dev veth0 nexthop via 2001:db8::30 dev veth0
n -6 route add 2001:db8:12::/64 dev veth0 expires 600
n -6 route add 2001:db8:13::/64 encap seg6local action End dev veth0
n -6 route add 2001:db8:14::/64 nhid 4

# ---- neighbours -------------------------------------------------------------------------------
n neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev veth0 nud permanent
n neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev veth0 nud stale
n neigh add 2001:db8::5 lladdr 02:00:00:00:00:07 dev veth0 router nud reachable
n neigh add proxy 10.0.0.99 dev veth0
nb fdb add 02:00:00:00:00:aa dev veth2 master static
nb fdb add 00:00:00:00:00:00 dev vx0 dst 10.0.0.9 vni 100 port 4789 self permanent
nb fdb add 02:00:00:00:00:bb dev vx0 dst 10.0.0.10 self permanent
nb vlan add vid 10 dev veth2
nb vlan add vid 20-22 dev veth2 tagged
nb mdb add dev br0 port veth2 grp 239.1.1.1 permanent vid 1

# ---- rules ------------------------------------------------------------------------------------
n rule add from 10.0.0.0/8 table 100 priority 100
n rule add to 10.20.0.0/16 fwmark 0x10/0xff lookup 100 pref 101
n rule add iif veth0 oif lo lookup 100 pref 102
n rule add uidrange 100-200 lookup 100 pref 103
n rule add ipproto tcp sport 1000-2000 dport 80 lookup 100 pref 104
n rule add suppress_prefixlength 0 suppress_ifgroup 5 lookup main pref 105
n rule add pref 106 goto 110
n rule add pref 110 tos 0x10 realms 3/4 lookup 100 protocol 99
n rule add not to 10.14.0.0/16 pref 111 lookup 100
n rule add to 10.99.0.0/16 pref 112 unreachable
n -6 rule add from 2001:db8::/32 lookup 100 pref 200

# ---- traffic control --------------------------------------------------------------------------
ntc qdisc add dev veth0 root handle 1: htb default 10
ntc class add dev veth0 parent 1: classid 1:10 htb rate 1mbit
ntc filter add dev veth0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1/32 flowid 1:10
ntc qdisc add dev veth1 root tbf rate 1mbit burst 10k latency 50ms
ntc qdisc add dev veth1 ingress

# ---- dumps ------------------------------------------------------------------------------------
capture link ip -d -s -s link show
capture link-bridge bridge -d -s link show
capture addr ip -d addr show
capture route4 ip -d route show table all
capture route6 ip -6 -d route show table all
capture route-get ip route get 10.11.0.5 from 10.0.0.1 mark 5 uid 1000 ipproto tcp sport 1000 dport 80
capture route-get6 ip -6 route get 2001:db8:10::5
capture route-fibmatch ip route get fibmatch 10.11.0.5
capture nexthop ip -d nexthop show
capture nexthop-bucket ip nexthop bucket show
capture neigh ip -d neigh show
capture neigh-proxy ip neigh show proxy
capture fdb bridge fdb show
capture mdb bridge -d mdb show
capture rule ip rule show
capture rule6 ip -6 rule show
capture netconf ip netconf show
capture netconf6 ip -6 netconf show
capture nsid ip netns list-id
capture ntable ip ntable show
capture stats ip stats show
capture stats-xstats bridge -s vlan show
capture qdisc tc -s -d qdisc show
capture tclass tc -s -d class show dev veth0
capture tfilter tc -s -d filter show dev veth0
# iproute2 has no dump command for these: a few lines of Python send the dump requests
# (TYPE:FAMILY pairs) and read the replies.
cat > "$TMP/rtdump.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
for seq, arg in enumerate(sys.argv[1:], 1):
    typ, fam = map(int, arg.split(':'))
    s.send(struct.pack('=IHHII', 24, typ, 0x301, seq, 0) + struct.pack('=BBBBI', fam, 0, 0, 0, 0))
    done = False
    while not done:
        b = s.recv(65536)
        off = 0
        while off < len(b):
            l, t = struct.unpack_from('=IH', b, off)
            done = done or t in (2, 3)
            off += (l + 3) & ~3
PY
capture maddr python3 "$TMP/rtdump.py" 58:10 58:2 62:10
# Requests with interesting attributes, sent by iproute2 (the replies are only acks).
capture req-link ip link add veth6 type veth peer name veth7 mtu 1400 address 02:00:00:00:00:77
capture req-vxlan ip link add vx9 type vxlan id 9 group 239.1.1.9 dev veth0 dstport 4789 srcport 1000 2000
capture req-route ip route add 10.40.0.0/24 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.1.2
capture req-nexthop ip nexthop add id 30 group 1,2/5 type mpath
capture req-linkprop ip link property add dev veth1 altname peer0
capture req-rule ip rule add from 10.41.0.0/16 sport 53 lookup 100 pref 300
exit 0
