#!/bin/sh
# kubo on m4's ZeroTier address 10.147.17.14 only (FlatRacoon binds IPFS to the overlay), written by flatlab generate.
for i in $(seq 1 120); do ip -4 addr 2>/dev/null | grep -q "inet 10.147.17.14/" && break; sleep 1; done
ipfs config --json Addresses.Swarm '["/ip4/10.147.17.14/tcp/4001", "/ip4/10.147.17.14/udp/4001/quic-v1"]'
ipfs config --json Addresses.Announce '["/ip4/10.147.17.14/tcp/4001", "/ip4/10.147.17.14/udp/4001/quic-v1"]'
ipfs config Addresses.Gateway /ip4/10.147.17.14/tcp/8080
ipfs config Addresses.API /ip4/127.0.0.1/tcp/5001
ipfs bootstrap rm --all
