#!/bin/sh
# ZeroTier setup for ctl (controller) of lab zerotier-mesh, written by flatlab generate.
set -u
S=/flatlab/zt-shared
mkdir -p "$S/members"
for i in $(seq 1 60); do zerotier-cli info >/dev/null 2>&1 && break; sleep 1; done
ADDR=$(zerotier-cli info | awk '{print $3}')
(
  NWID="${ADDR}000001"
  curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"flatmesh","private":true,"mtu":2800,"ipAssignmentPools":[{"ipRangeStart":"10.147.17.1","ipRangeEnd":"10.147.17.254"}],"routes":[{"target":"10.147.17.0/24","via":null}],"rules":[{"type":"MATCH_IP_PROTOCOL","ipProtocol":6},{"type":"MATCH_IP_DEST_PORT_RANGE","start":5001,"end":5001},{"type":"ACTION_DROP"},{"type":"ACTION_ACCEPT"}],"v4AssignMode":{"zt":true},"v6AssignMode":{"zt":false,"rfc4193":true,"6plane":true}}' "http://127.0.0.1:9993/controller/network/$NWID" >/dev/null
  echo "$NWID" > "$S/8056c2e21c000001.nwid"
  for i in $(seq 1 120); do [ -s "$S/members/m1" ] && break; sleep 1; done
  [ -s "$S/members/m1" ] && curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"m1","authorized":true,"ipAssignments":["10.147.17.11"],"tags":[]}' "http://127.0.0.1:9993/controller/network/$NWID/member/$(cat "$S/members/m1")" >/dev/null
  for i in $(seq 1 120); do [ -s "$S/members/m2" ] && break; sleep 1; done
  [ -s "$S/members/m2" ] && curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"m2","authorized":true,"ipAssignments":["10.147.17.12"],"tags":[]}' "http://127.0.0.1:9993/controller/network/$NWID/member/$(cat "$S/members/m2")" >/dev/null
  for i in $(seq 1 120); do [ -s "$S/members/m3" ] && break; sleep 1; done
  [ -s "$S/members/m3" ] && curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"m3","authorized":true,"ipAssignments":["10.147.17.1"],"tags":[]}' "http://127.0.0.1:9993/controller/network/$NWID/member/$(cat "$S/members/m3")" >/dev/null
  for i in $(seq 1 120); do [ -s "$S/members/m4" ] && break; sleep 1; done
  [ -s "$S/members/m4" ] && curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"m4","authorized":true,"ipAssignments":["10.147.17.14"],"tags":[]}' "http://127.0.0.1:9993/controller/network/$NWID/member/$(cat "$S/members/m4")" >/dev/null
  for i in $(seq 1 120); do [ -s "$S/members/m5" ] && break; sleep 1; done
  [ -s "$S/members/m5" ] && curl -fsS -X POST -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '{"name":"m5","authorized":true,"ipAssignments":["10.147.17.15"],"tags":[]}' "http://127.0.0.1:9993/controller/network/$NWID/member/$(cat "$S/members/m5")" >/dev/null
) >/tmp/flatlab-zt-setup.log 2>&1 &
