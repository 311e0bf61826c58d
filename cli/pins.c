// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The map pins a command reports (pins.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "pins.h"

void pins_add(struct pin_list *l, const char *path)
{
	char **p;

	for (unsigned int i = 0; i < l->n; i++)
		if (!strcmp(l->path[i], path))
			return; /* one map of several programs */
	p = realloc(l->path, (l->n + 1) * sizeof(*p));
	if (p)
		l->path = p;
	if (!p || !(l->path[l->n] = strdup(path))) {
		l->incomplete = true;
		return;
	}
	l->n++;
}

void pins_add_cb(__u32 prog_id, const char *name, const char *path, void *ctx)
{
	pins_add(ctx, path);
}

void pins_of_prog(struct pin_list *l, const struct xdpchain_prog *prog)
{
	struct bpf_object *obj = xdpchain_prog__bpf_obj(prog);
	struct bpf_map *m;

	if (!obj)
		return;
	bpf_object__for_each_map(m, obj)
		if (bpf_map__is_pinned(m) && bpf_map__pin_path(m))
			pins_add(l, bpf_map__pin_path(m));
}

void pins_json(struct json_writer *jw, const char *key, const struct pin_list *l)
{
	json_key(jw, key);
	json_start_array(jw);
	for (unsigned int i = 0; i < l->n; i++)
		json_str(jw, l->path[i]);
	json_end_array(jw);
}

void pins_print(const struct pin_list *l, const char *indent, const char *prefix,
		const char *note)
{
	for (unsigned int i = 0; i < l->n; i++)
		printf("%s%s %s %s\n", indent, prefix, l->path[i], note);
	if (l->incomplete)
		printf("%s(out of memory: not every pin is listed)\n", indent);
}

void pins_free(struct pin_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->path[i]);
	free(l->path);
	memset(l, 0, sizeof(*l));
}

int pins_make_dir(const char *dir, bool *made)
{
	*made = !mkdir(dir, 0700);
	return *made || errno == EEXIST ? 0 : -errno;
}
