#!/bin/sh
# Prefixes node c2 originates, added through gobgpd's API once it answers (gobgpd.toml has no static routes).
# Written by flatlab generate.
set -e
tries=0
until gobgp global >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then echo "gobgpd API not answering after 30 s" >&2; exit 1; fi
  sleep 1
done
gobgp global rib -a ipv4 add 198.51.100.0/24
