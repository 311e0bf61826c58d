/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The version a build reports (xdpchain --version, xdpchain_version()):
 * the release (the project version, "MAJOR.MINOR.PATCH") when built from
 * its tag (vMAJOR.MINOR.PATCH) or its tarball; between releases, the
 * release it names followed by "+" and its commit as git describes it
 * ("0.1.0+af02243-dirty", "0.1.0+4-g1a2b3c4" four commits after v0.1.0).
 * Shared by the library and the CLI, each with its own build's.
 */
#ifndef XDPCHAIN_VERSION_H
#define XDPCHAIN_VERSION_H

#include <stdio.h>
#include <string.h>
#include "build_version.h"
#include "config.h"

static inline void xc_build_version(char *buf, size_t len)
{
	const char *d = XDPCHAIN_DESCRIBE, *rel = "v" XDPCHAIN_VERSION;
	size_t n = strlen(rel);

	if (!strcmp(d, XDPCHAIN_VERSION) || !strcmp(d, rel)) {
		snprintf(buf, len, "%s", XDPCHAIN_VERSION);
		return;
	}
	/* After the release's tag: only what follows it. */
	if (!strncmp(d, rel, n) && d[n] == '-')
		d += n + 1;
	snprintf(buf, len, "%s+%s", XDPCHAIN_VERSION, d);
}

#endif
