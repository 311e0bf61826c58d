// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Capture files through libpcap (see capture.h). */
#include <errno.h>
#include <string.h>
#include "capture.h"

int capture_open(struct capture *c, FILE *f)
{
	memset(c, 0, sizeof(*c));
	/* Nanoseconds: libpcap scales microsecond files up, and pcapng's
	 * per-interface resolution down, to what we ask for. */
	c->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, c->err);
	if (!c->pcap) {
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "not a capture file");
		fclose(f); /* libpcap leaves f to the caller on failure */
		return -EINVAL;
	}
	c->linktype = pcap_datalink(c->pcap);
	return 0;
}

int capture_next(struct capture *c, struct capture_packet *p)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int ret;

	if (!c->pcap)
		return 0;
	ret = pcap_next_ex(c->pcap, &h, &data);
	if (ret == PCAP_ERROR_BREAK)
		return 0; /* the end of the file */
	if (ret != 1) {
		snprintf(c->err, sizeof(c->err), "%s", pcap_geterr(c->pcap));
		return -EBADMSG;
	}
	p->data = data;
	p->caplen = h->caplen;
	p->origlen = h->len;
	p->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	c->index++;
	return 1;
}

void capture_close(struct capture *c)
{
	if (c->pcap)
		pcap_close(c->pcap); /* closes the FILE too */
	c->pcap = NULL;
}
