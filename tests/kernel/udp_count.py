#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Count the UDP datagrams that reach ADDR on each PORT, until the file
# STOP exists and nothing came for a moment; then print "PORT=N ...".
# Prints "ready" once bound. suite-adopt.sh: what the stack delivered
# while XDP programs changed underneath (a packet the chain dropped never
# arrives, a packet it lost neither).
#   udp_count.py STOP ADDR PORT...
import os
import select
import socket
import sys

stop, addr, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
socks = {}
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for a whole stream: a slow reader must not lose datagrams
    # (SO_RCVBUFFORCE: root, above rmem_max).
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
    s.bind((addr, port))
    s.setblocking(False)
    socks[s] = port
counts = dict.fromkeys(ports, 0)
print("ready", flush=True)
while True:
    ready, _, _ = select.select(list(socks), [], [], 0.3)
    for s in ready:
        while True:
            try:
                s.recv(4096)
            except BlockingIOError:
                break
            counts[socks[s]] += 1
    if not ready and os.path.exists(stop):
        break
print(" ".join("%d=%d" % (p, counts[p]) for p in ports), flush=True)
