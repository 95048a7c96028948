// SPDX-License-Identifier: GPL-2.0
/*
 * nlwire_echo: the kernel side of a custom netlink protocol (number 31). Each message a process
 * sends is answered with "Hello Userspace", a NUL, then the message's own payload, sent back with
 * nlmsg_unicast to the sending socket. A payload longer than ECHO_MAX_PAYLOAD gets an
 * NLMSG_ERROR with -EMSGSIZE instead. The user side is examples/06-echo-client.ts --protocol 31.
 * The numbered comments follow the ten steps of README.md.
 *
 * Build: make (see Makefile)   Load: insmod nlwire_echo.ko   Unload: rmmod nlwire_echo
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

/* Step 1: a protocol number no kernel subsystem uses; 31 is the last one below MAX_LINKS (32). */
#define NETLINK_NLWIRE_ECHO 31
/* The largest payload echoed back: the reply then still fits in one page-sized skb. */
#define ECHO_MAX_PAYLOAD 1024

static const char greeting[] = "Hello Userspace";

/* The kernel end of the protocol; there is one, in the initial network namespace. */
static struct sock *echo_sock;

/*
 * Step 5: one message, already checked by netlink_rcv_skb to be a whole request (NLM_F_REQUEST)
 * of a type at or above NLMSG_MIN_TYPE. A negative return makes netlink_rcv_skb answer with NLMSG_ERROR.
 */
static int echo_msg(struct sk_buff *skb, struct nlmsghdr *in, struct netlink_ext_ack *extack)
{
	/* the sender's port id: where the answer goes (NETLINK_CB is filled in by af_netlink) */
	u32 portid = NETLINK_CB(skb).portid;
	int len = nlmsg_len(in);
	struct nlmsghdr *out;
	struct sk_buff *r;

	if (len > ECHO_MAX_PAYLOAD) {
		NL_SET_ERR_MSG(extack, "nlwire_echo: payload larger than 1024 bytes");
		return -EMSGSIZE;
	}
	/* Step 6: a new skb sized for one message, and its header: same type and sequence number,
	 * so the client can match the answer to its request. */
	r = nlmsg_new(sizeof(greeting) + len, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	out = nlmsg_put(r, 0, in->nlmsg_seq, in->nlmsg_type, sizeof(greeting) + len, 0);
	if (!out) {
		kfree_skb(r);
		return -EMSGSIZE;
	}
	memcpy(nlmsg_data(out), greeting, sizeof(greeting));
	memcpy((char *)nlmsg_data(out) + sizeof(greeting), nlmsg_data(in), len);
	/* Step 7: unicast to the sender. nlmsg_unicast consumes r, also when it fails (say the
	 * sender closed its socket meanwhile); a full receive buffer is the sender's problem. */
	nlmsg_unicast(echo_sock, r, portid);
	return 0;
}

/*
 * Step 4: the receive callback, called in the sending process's context for each sendmsg() to
 * port 0. One skb may hold several messages: netlink_rcv_skb walks them, calls echo_msg for each
 * and sends the acknowledgement a message asked for with NLM_F_ACK.
 */
static void echo_rcv(struct sk_buff *skb)
{
	netlink_rcv_skb(skb, echo_msg);
}

static int __init echo_init(void)
{
	/* Step 2: the socket's configuration: only the input callback is needed. */
	struct netlink_kernel_cfg cfg = { .input = echo_rcv };

	/* Step 3: register the protocol. From now on socket(AF_NETLINK, SOCK_RAW, 31) succeeds;
	 * before, it fails with EPROTONOSUPPORT. NULL means the number is taken. */
	echo_sock = netlink_kernel_create(&init_net, NETLINK_NLWIRE_ECHO, &cfg);
	if (!echo_sock) {
		pr_err("nlwire_echo: protocol %d is taken or unavailable\n", NETLINK_NLWIRE_ECHO);
		return -ENOMEM;
	}
	return 0;
}

/* Step 8: unregister on unload; open user sockets of the protocol then get no more answers. */
static void __exit echo_exit(void)
{
	netlink_kernel_release(echo_sock);
}

module_init(echo_init);
module_exit(echo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netlink echo for the nlwire examples");
