// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The library as a whole (layer 5): its version, its log callback, and
 * which backend "auto" means here. */
#include <pthread.h>
#include "kobj/kobj.h"
#include "api/api.h"
#include "version.h"

static char version[96];

static void version_init(void)
{
	xc_build_version(version, sizeof(version));
}

const char *xdpchain_version(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, version_init);
	return version;
}

xdpchain_print_fn_t xdpchain_set_print(xdpchain_print_fn_t fn)
{
	return xc_log_set_print(fn);
}

enum xdpchain_backend xdpchain_probe_backend(void)
{
	return xc_probe_freplace() ? XDPCHAIN_BACKEND_TAILCALL : XDPCHAIN_BACKEND_FREPLACE;
}
