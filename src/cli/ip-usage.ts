// iproute2 6.1's usage text for each object (what `ip OBJECT help` prints to stderr, exit 255),
// as ip prints it; only the program name is nlwire's. The tests compare it with the installed ip.
import { IpExit } from './io.js';

/** The objects with ip's usage text. */
export type UsageObject = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop' | 'netns' | 'monitor';

/** ip's list of link kinds, which `ip link help` and `ip address help` both print. */
const LINK_TYPES = `TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
`;

const IP_USAGE: Record<UsageObject, string> = {
  link: `Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    [ netns { PID | NAME } ]
\t\t    type TYPE [ ARGS ]

\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

\tip link set { DEVICE | dev DEVICE | group DEVGROUP }
\t\t\t[ { up | down } ]
\t\t\t[ type TYPE ARGS ]
\t\t[ arp { on | off } ]
\t\t[ dynamic { on | off } ]
\t\t[ multicast { on | off } ]
\t\t[ allmulticast { on | off } ]
\t\t[ promisc { on | off } ]
\t\t[ trailers { on | off } ]
\t\t[ carrier { on | off } ]
\t\t[ txqueuelen PACKETS ]
\t\t[ name NEWNAME ]
\t\t[ address LLADDR ]
\t\t[ broadcast LLADDR ]
\t\t[ mtu MTU ]
\t\t[ netns { PID | NAME } ]
\t\t[ link-netns NAME | link-netnsid ID ]
\t\t[ alias NAME ]
\t\t[ vf NUM [ mac LLADDR ]
\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]
\t\t\t [ rate TXRATE ]
\t\t\t [ max_tx_rate TXRATE ]
\t\t\t [ min_tx_rate TXRATE ]
\t\t\t [ spoofchk { on | off} ]
\t\t\t [ query_rss { on | off} ]
\t\t\t [ state { auto | enable | disable} ]
\t\t\t [ trust { on | off} ]
\t\t\t [ node_guid EUI64 ]
\t\t\t [ port_guid EUI64 ] ]
\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |
\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |
\t\t\t  pinned FILE } ]
\t\t[ master DEVICE ][ vrf NAME ]
\t\t[ nomaster ]
\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]
\t\t[ protodown { on | off } ]
\t\t[ protodown_reason PREASON { on | off } ]
\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]
\t\t[ gro_max_size BYTES ]

\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
\t\t[nomaster]

\tip link xstats type TYPE [ ARGS ]

\tip link afstats [ dev DEVICE ]
\tip link property add dev DEVICE [ altname NAME .. ]
\tip link property del dev DEVICE [ altname NAME .. ]

\tip link help [ TYPE ]

${LINK_TYPES}`,
  address: `Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ] ]
       ip address {showdump|restore}
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           [-]tentative | [-]deprecated | [-]dadfailed | temporary |
           CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
${LINK_TYPES}`,
  route: `Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
`,
  neigh: `Usage: ip neigh { add | del | change | replace }
                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }
                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]
                [ protocol PROTO ]

\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]
\t\t\t\t  [ vrf NAME ] [ nomaster ]
\tip neigh get { ADDR | proxy ADDR } dev DEV

STATE := { delay | failed | incomplete | noarp | none |
           permanent | probe | reachable | stale }
`,
  rule: `Usage: ip rule { add | del } SELECTOR ACTION
       ip rule { flush | save | restore }
       ip rule [ list [ SELECTOR ]]
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ]
            [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]
            [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ]
            [ sport [ NUMBER | NUMBER-NUMBER ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ]
ACTION := [ table TABLE_ID ]
          [ protocol PROTO ]
          [ nat ADDRESS ]
          [ realms [SRCREALM/]DSTREALM ]
          [ goto NUMBER ]
          SUPPRESSOR
SUPPRESSOR := [ suppress_prefixlength NUMBER ]
              [ suppress_ifgroup DEVGROUP ]
TABLE_ID := [ local | main | default | NUMBER ]
`,
  nexthop: `Usage: ip nexthop { list | flush } [ protocol ID ] SELECTOR
       ip nexthop { add | replace } id ID NH [ protocol ID ]
       ip nexthop { get | del } id ID
       ip nexthop bucket list BUCKET_SELECTOR
       ip nexthop bucket get id ID index INDEX
SELECTOR := [ id ID ] [ dev DEV ] [ vrf NAME ] [ master DEV ]
            [ groups ] [ fdb ]
BUCKET_SELECTOR := SELECTOR | [ nhid ID ]
NH := { blackhole | [ via ADDRESS ] [ dev DEV ] [ onlink ]
        [ encap ENCAPTYPE ENCAPHDR ] |
        group GROUP [ fdb ] [ type TYPE [ TYPE_ARGS ] ] }
GROUP := [ <id[,weight]>/<id[,weight]>/... ]
TYPE := { mpath | resilient }
TYPE_ARGS := [ RESILIENT_ARGS ]
RESILIENT_ARGS := [ buckets BUCKETS ] [ idle_timer IDLE ]
                  [ unbalanced_timer UNBALANCED ]
ENCAPTYPE := [ mpls ]
ENCAPHDR := [ MPLSLABEL ]
`,
  netns: `Usage:\tip netns list
\tip netns add NAME
\tip netns attach NAME PID
\tip netns set NAME NETNSID
\tip [-all] netns delete [NAME]
\tip netns identify [PID]
\tip netns pids NAME
\tip [-all] netns exec [NAME] cmd ...
\tip netns monitor
\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
NETNSID := auto | POSITIVE-INT
`,
  monitor: `Usage: ip monitor [ all | OBJECTS ] [ FILE ] [ label ] [ all-nsid ]
                  [ dev DEVICE ]
OBJECTS :=  address | link | mroute | neigh | netconf |
            nexthop | nsid | prefix | route | rule | stats
FILE := file FILENAME
`,
};

/** ip's text with the program named nlwire (`Usage: ip link ...`, `\tip [-all] netns ...`). */
export function ipUsage(object: UsageObject): string {
  return IP_USAGE[object].replace(/^(Usage:)?([ \t]*)ip (?=[[a-z])/gm, '$1$2nlwire ');
}

/** ip's usage(): the object's usage text on stderr, exit 255. */
export function usageExit(object: UsageObject): never {
  throw new IpExit(ipUsage(object), 255);
}
