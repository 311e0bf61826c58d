// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The names of verdicts and modes (layer 0). The API's parsers and
 * formatters (names.c) and the run config (runcfg.c) use them. */
#include <string.h>
#include <strings.h>
#include "model/model.h"

static const char *const verdict_names[] = {
	"aborted", "drop", "pass", "tx", "redirect",
};
#define NR_VERDICTS (sizeof(verdict_names) / sizeof(verdict_names[0]))

const char *xc_verdict_name(int verdict)
{
	if (verdict < 0 || (unsigned int)verdict >= NR_VERDICTS)
		return NULL;
	return verdict_names[verdict];
}

int xc_verdict_lookup(const char *s, size_t len)
{
	unsigned int i;

	/* Accept "drop" and libxdp-style "XDP_DROP", case-insensitively. */
	if (len > 4 && !strncasecmp(s, "xdp_", 4)) {
		s += 4;
		len -= 4;
	}
	for (i = 0; i < NR_VERDICTS; i++)
		if (strlen(verdict_names[i]) == len && !strncasecmp(s, verdict_names[i], len))
			return (int)i;
	return -1;
}

static const char *const mode_names[] = {
	[XDPCHAIN_MODE_UNSPEC] = "unspec",
	[XDPCHAIN_MODE_NATIVE] = "native",
	[XDPCHAIN_MODE_SKB] = "skb",
	[XDPCHAIN_MODE_HW] = "hw",
};

const char *xc_mode_str(enum xdpchain_mode mode)
{
	if ((unsigned int)mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "unknown";
	return mode_names[mode];
}
