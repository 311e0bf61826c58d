// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain top's arithmetic: rates and the --delay parser. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include "rate.h"
#include "check.h"

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9 * (fabs(b) + 1);
}

int main(void)
{
	uint64_t ns = 0;

	/* rates */
	CHECK(near(rate_per_sec(100, 200, 1000000000ull), 100));
	CHECK(near(rate_per_sec(100, 200, 500000000ull), 200));
	CHECK(near(rate_per_sec(0, 3, 2000000000ull), 1.5));
	CHECK(near(rate_per_sec(5, 5, 1000000000ull), 0));
	CHECK(rate_per_sec(1, 9, 0) == 0);
	/* a counter that went back started again from zero */
	CHECK(near(rate_per_sec(1000, 10, 1000000000ull), 10));
	/* large counters do not overflow */
	CHECK(near(rate_per_sec(0, UINT64_MAX, 1000000000ull), (double)UINT64_MAX));
	CHECK(near(rate_per_sec(UINT64_MAX - 10, UINT64_MAX, 1000000000ull), 10));

	/* --delay */
	CHECK(parse_seconds("1", &ns) == 0 && ns == 1000000000ull);
	CHECK(parse_seconds("0.5", &ns) == 0 && ns == 500000000ull);
	CHECK(parse_seconds(".25", &ns) == 0 && ns == 250000000ull);
	CHECK(parse_seconds("2.", &ns) == 0 && ns == 2000000000ull);
	CHECK(parse_seconds("0.000000001", &ns) == 0 && ns == 1);
	CHECK(parse_seconds("0.0000000001", &ns) == 0 && ns == 1); /* below 1 ns: 1 ns */
	CHECK(parse_seconds("86400", &ns) == 0 && ns == 86400000000000ull);
	CHECK(parse_seconds("86400.0000", &ns) == 0);
	CHECK(parse_seconds("86400.1", &ns) == -ERANGE);
	CHECK(parse_seconds("99999999999999999999999", &ns) == -ERANGE);
	CHECK(parse_seconds("0", &ns) == -ERANGE);
	CHECK(parse_seconds("0.0", &ns) == -ERANGE);
	CHECK(parse_seconds("", &ns) == -EINVAL);
	CHECK(parse_seconds(".", &ns) == -EINVAL);
	CHECK(parse_seconds("-1", &ns) == -EINVAL);
	CHECK(parse_seconds("+1", &ns) == -EINVAL);
	CHECK(parse_seconds("1e3", &ns) == -EINVAL);
	CHECK(parse_seconds("0x10", &ns) == -EINVAL);
	CHECK(parse_seconds("inf", &ns) == -EINVAL);
	CHECK(parse_seconds("nan", &ns) == -EINVAL);
	CHECK(parse_seconds("1.2.3", &ns) == -EINVAL);
	CHECK(parse_seconds(" 1", &ns) == -EINVAL);
	CHECK(parse_seconds("1s", &ns) == -EINVAL);
	CHECK(parse_seconds(NULL, &ns) == -EINVAL);
	return check_report("test_rate");
}
