// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Plain driver for a fuzz target, without libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line
 * or found (one level deep) in a directory named there. Part of the unit
 * suite, so the corpus and every past finding are replayed on each build
 * with any compiler. A directory that does not exist is skipped (a target
 * has no regressions/ until it has a finding). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int run_file(const char *path, unsigned int *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	/* malloc'ed to the exact size so ASan catches reads past the end. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto fail;
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	(*count)++;
	return 0;
fail:
	fprintf(stderr, "replay: cannot read %s\n", path);
	free(buf);
	fclose(f);
	return -1;
}

static int run_dir(const char *dir, unsigned int *count)
{
	struct dirent **names;
	char path[4096];
	int n, i, err = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct stat sb;

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (!stat(path, &sb) && S_ISREG(sb.st_mode) && run_file(path, count))
				err = -1;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, err = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb)) {
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			err = 1;
		} else if (S_ISDIR(sb.st_mode) ? run_dir(argv[i], &count)
					       : run_file(argv[i], &count)) {
			err = 1;
		}
	}
	printf("%s: %u inputs replayed\n", argv[0], count);
	/* No input at all means the corpus went missing: that is a failure. */
	return err || !count;
}
