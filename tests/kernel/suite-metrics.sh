#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# xdpchain metrics (OpenMetrics for Prometheus), and a real Prometheus
# scraping it:
#   tests/kernel/suite-metrics.sh tailcall|freplace
# Needs what lib.sh needs, plus jq, curl, socat and Debian's prometheus
# for t_prometheus (skipped without them).
set -uo pipefail

backend=${1:?usage: suite-metrics.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

# metric TEXT NAME LABELS: the value of the sample NAME{LABELS} in TEXT
# (LABELS as printed, e.g. 'interface="xt0"'), empty if none.
metric() {
	awk -v n="$2{$3}" 'index($0, n " ") == 1 { print $2 }' <<<"$1"
}
# plabels PROG: the labels that name test program PROG on xt0.
plabels() { echo "interface=\"xt0\",program=\"$1\",id=\"$(prog_id "$1")\",owner=\"\""; }

t_metrics_text() {
	begin "metrics: OpenMetrics text with the figures status -j shows"
	local out s
	expect_exit 2 xc metrics nosuchif0 || return
	expect_exit 2 xc -j metrics || return
	expect_exit 2 xc metrics --bogus || return
	out=$(xc metrics xt0) || { not_ok "metrics failed: $out"; return; }
	expect "no chain: no samples, only the families and # EOF" "# EOF" \
		"$(grep -v '^# [THU]' <<<"$out")" || return
	att t_pass_a -P 10 && att t_drop -P 20 || { not_ok "attach"; return; }
	out=$(xc metrics xt0)
	expect "programs gauge" "2" "$(metric "$out" xdpchain_chain_programs 'interface="xt0"')" || return
	expect "revision gauge" "$(revision)" \
		"$(metric "$out" xdpchain_chain_revision 'interface="xt0"')" || return
	expect "counters off" "0" "$(metric "$out" xdpchain_chain_stats 'interface="xt0"')" || return
	expect "no program samples with the counters off" "0" \
		"$(grep -c '^xdpchain_program_' <<<"$out")" || return
	expect_exit 0 xc stats xt0 on || return
	in_ns "$XT" run xt0 --repeat 640 >/dev/null || { not_ok "run"; return; }
	out=$(xc metrics xt0)
	s=$(status_json)
	expect "pass of the first" "$(jq -r '.[0].programs[0].stats.pass' <<<"$s")" \
		"$(metric "$out" xdpchain_program_packets_total "$(plabels t_pass_a),verdict=\"pass\"")" ||
		return
	expect "drop of the second" "640" \
		"$(metric "$out" xdpchain_program_packets_total "$(plabels t_drop),verdict=\"drop\"")" ||
		return
	expect "six verdicts per program" "12" "$(grep -c '^xdpchain_program_packets_total{' <<<"$out")" ||
		return
	expect "seconds are status's time_ns" "$(jq -r '.[0].programs[1].stats.time_ns' <<<"$s")" \
		"$(metric "$out" xdpchain_program_seconds_total "$(plabels t_drop)" |
			awk '{ printf "%.0f", $1 * 1e9 }')" || return
	expect "timed" "10" "$(metric "$out" xdpchain_program_timed_packets_total "$(plabels t_drop)")" ||
		return
	expect "ends with # EOF" "# EOF" "$(tail -n 1 <<<"$out")" || return
	# --http: a request in, one HTTP/1.0 answer out.
	out=$(printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' | xc metrics --http xt0)
	expect "http status line" "HTTP/1.0 200 OK" "$(head -n 1 <<<"$out" | tr -d '\r')" || return
	expect "http content type" "1" "$(grep -c '^Content-Type: application/openmetrics-text' <<<"$out")" &&
		ok
}

t_prometheus() {
	begin "Prometheus scrapes metrics --http and reads back what status -j shows"
	local p tmp pids="" s v i q want
	for p in prometheus socat curl; do
		command -v "$p" >/dev/null || { skip "$p is not installed (tests/install-deps.sh)"; return; }
	done
	tmp=$(mktemp -d /tmp/xdpc-prom.XXXXXX)
	# Both on the test namespace's own loopback: no port of the machine's
	# is taken, and the metrics command sees xt0 there.
	ip -n "$ns" link set lo up
	cat >"$tmp/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  scrape_timeout: 1s
	scrape_configs:
	  - job_name: xdpchain
	    static_configs:
	      - targets: ['127.0.0.1:9435']
	EOF
	# What systemd's xdpchain-metrics.socket does (Accept=yes): one
	# "metrics --http" per connection, on its socket. "ip netns exec"
	# execs the command, so $! is socat, and prometheus, themselves (a
	# shell function in the background would be a subshell).
	ip netns exec "$ns" socat TCP-LISTEN:9435,bind=127.0.0.1,reuseaddr,fork \
		EXEC:"$XC metrics --http" >/dev/null 2>"$tmp/socat.log" &
	pids="$!"
	ip netns exec "$ns" prometheus --config.file="$tmp/prometheus.yml" \
		--storage.tsdb.path="$tmp/data" --web.listen-address=127.0.0.1:9090 \
		>"$tmp/prometheus.log" 2>&1 </dev/null &
	pids="$pids $!"
	# shellcheck disable=SC2064
	trap "kill $pids 2>/dev/null; wait $pids 2>/dev/null; rm -rf '$tmp'; cleanup" EXIT
	att t_pass_a -P 10 --stats && att t_drop -P 20 || { not_ok "attach"; prom_stop; return; }
	in_ns "$XT" run xt0 --repeat 640 >/dev/null || { not_ok "run"; prom_stop; return; }
	s=$(status_json)
	# query EXPR: its first value, through the HTTP API.
	query() {
		in_ns curl -sf --get --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query |
			jq -r '.data.result[0].value[1] // empty'
	}
	q='xdpchain_program_packets_total{interface="xt0",program="t_drop",verdict="drop"}'
	want=$(jq -r '.[0].programs[1].stats.drop' <<<"$s")
	# Prometheus starts, scrapes every second: up to 30 s for the figure.
	for i in $(seq 150); do
		v=$(query "$q")
		[ "$v" = "$want" ] && break
		sleep 0.2
	done
	expect "drop count through Prometheus" "$want" "$v" || { prom_stop; return; }
	expect "target up" "1" "$(query 'up{job="xdpchain"}')" || { prom_stop; return; }
	expect "pass count" "$(jq -r '.[0].programs[0].stats.pass' <<<"$s")" \
		"$(query 'xdpchain_program_packets_total{program="t_pass_a",verdict="pass"}')" ||
		{ prom_stop; return; }
	expect "seconds (in ns)" "$(jq -r '.[0].programs[1].stats.time_ns' <<<"$s")" \
		"$(query 'xdpchain_program_seconds_total{program="t_drop"}' |
			awk '{ printf "%.0f", $1 * 1e9 }')" || { prom_stop; return; }
	expect "revision" "$(jq -r '.[0].revision' <<<"$s")" \
		"$(query 'xdpchain_chain_revision{interface="xt0"}')" || { prom_stop; return; }
	expect "programs" "2" "$(query 'xdpchain_chain_programs{interface="xt0"}')" ||
		{ prom_stop; return; }
	prom_stop
	ok
}
prom_stop() {
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	rm -rf "$tmp"
	trap cleanup EXIT
}

run_tests t_metrics_text t_prometheus
finish
