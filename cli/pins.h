/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The map pins a command reports: those libbpf made or reused for the
 * maps an object declares LIBBPF_PIN_BY_NAME (attach, apply), and those
 * a detach leaves (xdpchain_pinned_maps()). They outlive the programs,
 * so every command that makes or leaves one says where it is.
 */
#ifndef XDPCHAIN_CLI_PINS_H
#define XDPCHAIN_CLI_PINS_H

#include <stdbool.h>
#include <linux/types.h>
#include <xdpchain/xdpchain.h>
#include "json.h"

/* After each pin path in text output. */
#define PINS_MADE_NOTE \
	"(LIBBPF_PIN_BY_NAME, by libbpf: shared with every object declaring it there; " \
	"a detach leaves it)"
#define PINS_KEPT_NOTE \
	"(LIBBPF_PIN_BY_NAME: shared by design, not removed by detach; remove the pin to " \
	"free the map)"

struct pin_list {
	char **path;
	unsigned int n;
	bool incomplete; /* out of memory: some are missing */
};

/* Add path once. */
void pins_add(struct pin_list *l, const char *path);
/* An xdpchain_map_pin_fn adding to the pin_list ctx. */
void pins_add_cb(__u32 prog_id, const char *name, const char *path, void *ctx);
/* The pins of the maps of prog's object that libbpf pinned (made or
 * reused) when it loaded it. */
void pins_of_prog(struct pin_list *l, const struct xdpchain_prog *prog);
/* key: [path, ...] */
void pins_json(struct json_writer *jw, const char *key, const struct pin_list *l);
/* One line per pin: "PREFIX PATH NOTE", indented by indent. */
void pins_print(const struct pin_list *l, const char *indent, const char *prefix,
		const char *note);
void pins_free(struct pin_list *l);
/* --pin-maps DIR: made (0700) before the objects are opened, as the root
 * of their LIBBPF_PIN_BY_NAME pins; *made says whether this call made it.
 * 0 or -errno. */
int pins_make_dir(const char *dir, bool *made);

#endif
