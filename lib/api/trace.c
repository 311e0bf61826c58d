// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Tracing packets through a live chain without touching it. A throwaway
 * dispatcher is built from the running chain's metadata with
 * XDPCHAIN_META_F_TRACE (and without counters), the chain's own programs
 * are added to it (freplace programs get a second link, to the throwaway
 * dispatcher's slot; tail-call programs go into its own program array),
 * and packets are run through it with BPF_PROG_TEST_RUN. The dispatcher
 * records every position's verdict in its trace map. Nothing is pinned and
 * no lock is taken: closing the trace releases every object it made, and
 * the running chain, its traffic and its counters never notice. The
 * programs themselves do run, so their own maps see the packets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "api/api.h"

struct xdpchain_trace {
	struct xdpchain_chain *chain;
	struct xdpchain_dispatcher *d;
	unsigned int n;
	int prog_fd[XDPCHAIN_MAX_SLOTS];
	int link_fd[XDPCHAIN_MAX_SLOTS];
	struct xdpchain_meta meta; /* of the throwaway dispatcher */
};

void xdpchain_trace__close(struct xdpchain_trace *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < t->n; i++) {
		if (t->link_fd[i] >= 0)
			close(t->link_fd[i]);
		if (t->prog_fd[i] >= 0)
			close(t->prog_fd[i]);
	}
	xc_disp_free(t->d);
	xdpchain_chain__free(t->chain);
	free(t);
}

/* The program of slot m, checked to be the one the chain names: from its
 * prog-<id> pin (getting it by id needs CAP_SYS_ADMIN), else by id. */
static int slot_prog(struct xc_state *st, const struct xdpchain_slot_meta *m)
{
	__u8 tag[8];
	__u32 id = 0;
	int fd = xc_get_at(st, "prog-%u", m->prog_id);

	if (fd >= 0 && (!xc_fd_is(fd, XC_FD_PROG) || xc_prog_tag(fd, tag, &id) ||
			id != m->prog_id)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		fd = bpf_prog_get_fd_by_id(m->prog_id);
	if (fd < 0) {
		xc_warn("program %u (%s) of the chain is gone\n", m->prog_id, m->name);
		return -errno;
	}
	if (xc_prog_tag(fd, tag, NULL) || memcmp(tag, m->tag, sizeof(tag))) {
		xc_warn("program %u is not %s any more: the chain changed, try again\n",
			m->prog_id, m->name);
		close(fd);
		return -ESTALE;
	}
	return fd;
}

struct xdpchain_trace *xdpchain_trace__open(int ifindex, const struct xdpchain_trace_opts *opts)
{
	struct xdpchain_trace *t;
	struct xdpchain_meta *meta;
	struct xc_state *st;
	int err, disp_fd, array_fd;
	unsigned int i;

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_trace_opts))
		return xc_err_ptr(-EINVAL);
	t = calloc(1, sizeof(*t));
	st = xc_state_new();
	if (!t || !st) {
		free(t);
		xc_state_free(st);
		return xc_err_ptr(-ENOMEM);
	}
	err = xc_state_read(st, ifindex, XC_OPTS_GET(opts, bpffs_root, NULL));
	if (!err && !st->chain.have)
		err = -ENOENT;
	if (err) {
		free(t);
		xc_state_free(st);
		return xc_err_ptr(err);
	}
	/* The throwaway dispatcher's metadata: in t, not on the stack. */
	meta = &t->meta;
	*meta = st->chain.meta;
	t->chain = xc_chain_new(st, false);
	err = t->chain ? 0 : -errno;
	/* The live counters must not count test packets. */
	meta->flags &= ~XDPCHAIN_META_F_STATS;
	meta->flags |= XDPCHAIN_META_F_TRACE;
	meta->nr_spare = 0; /* every program in a position of its own */
	/* Observers (last) decide nothing: a trace shows the programs. */
	meta->flags &= ~XDPCHAIN_META_F_OBSERVE;
	while (meta->nr_progs &&
	       (meta->slots[meta->nr_progs - 1].flags & XDPCHAIN_SLOT_F_OBSERVER))
		memset(&meta->slots[--meta->nr_progs], 0, sizeof(meta->slots[0]));
	for (; !err && t->n < meta->nr_progs; t->n++) {
		t->link_fd[t->n] = -1;
		t->prog_fd[t->n] = slot_prog(st, &meta->slots[t->n]);
		if (t->prog_fd[t->n] < 0)
			err = t->prog_fd[t->n];
	}
	xc_state_free(st);
	if (err)
		goto err;
	t->d = xc_disp_load(meta);
	if (!t->d) {
		err = -errno;
		goto err;
	}
	disp_fd = xc_disp_prog_fd(t->d);
	array_fd = xc_disp_array_fd(t->d);
	for (i = 0; i < t->n; i++) {
		const struct xdpchain_slot_meta *m = &meta->slots[i];

		if (m->kind == XDPCHAIN_SLOT_TAILCALL) {
			if (bpf_map_update_elem(array_fd, &i, &t->prog_fd[i], BPF_ANY)) {
				err = -errno;
				xc_warn("trace: cannot put %s (%u) in tail-call slot %u: %s\n",
					m->name, m->prog_id, i, strerror(errno));
				goto err;
			}
			continue;
		}
		LIBBPF_OPTS(bpf_link_create_opts, lo,
			    .target_btf_id = (__u32)xc_disp_slot_btf_id(t->d, i));
		t->link_fd[i] = bpf_link_create(t->prog_fd[i], disp_fd, 0, &lo);
		if (t->link_fd[i] < 0) {
			err = -errno;
			xc_warn("trace: cannot attach %s (%u) to slot %u: %s\n", m->name,
				m->prog_id, i, strerror(errno));
			goto err;
		}
	}
	return t;
err:
	xdpchain_trace__close(t);
	return xc_err_ptr(err);
}

const struct xdpchain_chain *xdpchain_trace__chain(const struct xdpchain_trace *t)
{
	return t ? t->chain : NULL;
}

int xdpchain_trace__run(struct xdpchain_trace *t, const void *pkt, size_t len,
			struct xdpchain_trace_result *res)
{
	struct xdpchain_trace_rec rec;
	__u32 key = 0;
	int fd, err;

	/* A result is written: every field the library fills must be there. */
	if (!t || !pkt || !res || res->sz < offsetofend(struct xdpchain_trace_result, max_verdicts) ||
	    !XC_OPTS_VALID(res, xdpchain_trace_result) || len > UINT32_MAX ||
	    (res->max_verdicts && !res->verdicts))
		return xc_err(-EINVAL);
	fd = xc_disp_trace_fd(t->d);
	memset(&rec, 0, sizeof(rec));
	if (bpf_map_update_elem(fd, &key, &rec, BPF_ANY))
		return xc_err(-errno);
	/* No data_out: the kernel does not copy the packet back. */
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (__u32)len,
		    .repeat = 1);
	if (bpf_prog_test_run_opts(xc_disp_prog_fd(t->d), &o)) {
		err = -errno;
		xc_debug("BPF_PROG_TEST_RUN of %zu bytes: %s\n", len, strerror(errno));
		return xc_err(err);
	}
	if (bpf_map_lookup_elem(fd, &key, &rec))
		return xc_err(-errno);
	/* An empty slot's verdict is reported as is. */
	_Static_assert(XDPCHAIN_TRACE_EMPTY == XDPCHAIN_RET_EMPTY, "empty slot value");
	res->verdict = (int)o.retval;
	res->nr_run = rec.nr_run < t->n ? rec.nr_run : t->n;
	/* The caller's array holds as many as it says: the chain's limit is
	 * no part of the ABI. */
	for (unsigned int i = 0; i < res->nr_run && i < res->max_verdicts; i++)
		res->verdicts[i] = rec.verdict[i];
	res->size_out = o.data_size_out;
	return 0;
}
