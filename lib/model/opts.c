// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Size-versioned options: a caller built against a newer header may pass
 * a larger struct; that is fine as long as the fields we do not know are
 * zero. */
#include <stddef.h>
#include "model/model.h"

bool xc_opts_valid(const void *opts, size_t known_sz, const char *type_name)
{
	const char *p = opts;
	size_t sz, i;

	if (!opts)
		return true;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t)) {
		xc_warn("%s: sz %zu is too small\n", type_name, sz);
		return false;
	}
	for (i = known_sz; i < sz; i++) {
		if (p[i]) {
			xc_warn("%s: unknown non-zero field at offset %zu\n", type_name, i);
			return false;
		}
	}
	return true;
}
