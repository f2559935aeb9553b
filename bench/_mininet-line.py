#!/usr/bin/python3
"""Helper of bench/netns-up.ts (the leading _ hides it from `npm run bench`): the same line of N
hosts as the flatlab lab, built with Mininet's Python API, brought up and torn down once.
Hosts are linked directly (no switch, so no controller or Open vSwitch in the timing), each
link a /31 as flatlab addresses it. Prints one JSON line: {"upSeconds": .., "downSeconds": ..}.
Never calls `mn -c`: net.stop() removes what this run made, and the bench checks that."""
import json
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import Host

n = int(sys.argv[1])
setLogLevel('error')
t0 = time.monotonic()
net = Mininet(topo=None, controller=None, host=Host, build=False, autoSetMacs=False)
hosts = [net.addHost('h%d' % i, ip=None) for i in range(n)]
for i in range(n - 1):
    a, b = 2 * i, 2 * i + 1
    net.addLink(hosts[i], hosts[i + 1],
                params1={'ip': '10.0.%d.%d/31' % (a >> 8, a & 255)},
                params2={'ip': '10.0.%d.%d/31' % (b >> 8, b & 255)})
net.build()
net.start()
t1 = time.monotonic()
net.stop()
t2 = time.monotonic()
print(json.dumps({'upSeconds': t1 - t0, 'downSeconds': t2 - t1}))
