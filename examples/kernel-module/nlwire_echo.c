// SPDX-License-Identifier: GPL-2.0
/*
 * nlwire_echo: a netlink protocol (NETLINK_NLWIRE_ECHO = 31) whose kernel side answers every
 * message with "Hello Userspace", sent back with nlmsg_unicast to the sender's port id.
 * The user side is examples/06-echo-client.ts --protocol 31.
 *
 * Build: make -C /lib/modules/$(uname -r)/build M=$PWD modules   (see Makefile)
 * Load:  insmod nlwire_echo.ko      Unload: rmmod nlwire_echo
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#define NETLINK_NLWIRE_ECHO 31

static struct sock *echo_sock;

static void echo_rcv(struct sk_buff *skb)
{
	static const char reply[] = "Hello Userspace";
	struct nlmsghdr *in = nlmsg_hdr(skb);
	u32 portid = NETLINK_CB(skb).portid;
	struct nlmsghdr *out;
	struct sk_buff *r;

	if (skb->len < NLMSG_HDRLEN || in->nlmsg_len < NLMSG_HDRLEN || in->nlmsg_len > skb->len)
		return;
	pr_debug("nlwire_echo: %u bytes from port %u\n", in->nlmsg_len, portid);

	r = nlmsg_new(sizeof(reply), GFP_KERNEL);
	if (!r)
		return;
	out = nlmsg_put(r, 0, in->nlmsg_seq, in->nlmsg_type, sizeof(reply), 0);
	if (!out) {
		kfree_skb(r);
		return;
	}
	memcpy(nlmsg_data(out), reply, sizeof(reply));
	/* nlmsg_unicast consumes r, also on error (e.g. the sender already closed its socket) */
	nlmsg_unicast(echo_sock, r, portid);
}

static int __init echo_init(void)
{
	struct netlink_kernel_cfg cfg = { .input = echo_rcv };

	echo_sock = netlink_kernel_create(&init_net, NETLINK_NLWIRE_ECHO, &cfg);
	if (!echo_sock) {
		pr_err("nlwire_echo: protocol %d is taken or unavailable\n", NETLINK_NLWIRE_ECHO);
		return -ENOMEM;
	}
	return 0;
}

static void __exit echo_exit(void)
{
	netlink_kernel_release(echo_sock);
}

module_init(echo_init);
module_exit(echo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netlink echo for the nlwire examples");
