/**
 * A linux node's services on containerlab: its generated nftables ruleset and web page are
 * bound into the container and started by the container command (as the netns runtime starts
 * them), only on nodes that have them; TAYGA's container gets its TUN device and NAT44.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { containerlabTopology, containerlabYaml } from '../../src/emit/containerlab.js';
import { nodeConfigFiles } from '../../src/emit/lab-files.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { clabSchemaErrors } from '../support/clab-schema.js';

const text = `
name: boot
nodes:
  edge: { kind: linux, role: router, config: { nftables: "table inet t\\ndelete table inet t\\ntable inet t { }\\n" } }
  web: { kind: linux, role: server, config: { http: "<p>hi</p>", http-port: 8080 } }
  both: { kind: linux, config: { nftables: "table inet t\\n", http: "<p>both</p>" } }
  plain: { kind: linux }
  nat64: { kind: tayga, config: { pool: 192.168.255.0/24, prefix: "64:ff9b::/96" } }
links:
  - [edge, web]
  - [edge, plain]
  - [edge, nat64]
  - [edge, both]
`;

function lab() {
  const { lab, diagnostics } = compileTopology(parseYamlSource(text, 'boot.yml'), { kinds: kindCatalog });
  if (!lab) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return lab;
}

describe('containerlab boot commands', () => {
  const l = lab();
  const files = nodeConfigFiles(l);
  const nodes = containerlabTopology(l, files).topology.nodes;

  it('loads the nftables ruleset before idling', () => {
    expect(nodes.edge?.cmd).toBe(`sh -c 'set -e; nft -f /etc/flatlab/nftables.nft; exec sleep infinity'`);
    expect(nodes.edge?.binds).toEqual(['configs/edge/nftables.nft:/etc/flatlab/nftables.nft:ro']);
  });

  it('serves the page in the background on its port', () => {
    expect(nodes.web?.cmd).toBe(`sh -c 'set -e; busybox httpd -f -p 8080 -h /etc/flatlab/www & exec sleep infinity'`);
    expect(nodes.web?.binds).toEqual(['configs/web/www/index.html:/etc/flatlab/www/index.html:ro']);
  });

  it('runs setup before services', () => {
    expect(nodes.both?.cmd).toBe(`sh -c 'set -e; nft -f /etc/flatlab/nftables.nft; busybox httpd -f -p 80 -h /etc/flatlab/www & exec sleep infinity'`);
  });

  it('leaves a node without services on the image\'s own command', () => {
    expect(nodes.plain?.cmd).toBeUndefined();
    expect(nodes.plain?.binds).toBeUndefined();
  });

  it('gives TAYGA its TUN device, NET_ADMIN and the NAT44 table before it starts', () => {
    expect(nodes.nat64).toMatchObject({ image: 'flatlab/tayga:0.9.2-local', devices: ['/dev/net/tun'], 'cap-add': ['NET_ADMIN'] });
    expect(nodes.nat64?.cmd).toContain('ip saddr 192.168.255.0/24 oifname != "nat64" masquerade');
    expect(nodes.nat64?.cmd).toMatch(/nft .*&& exec tayga --config \/etc\/tayga\/tayga.conf --nodetach'$/);
  });

  it('validates against containerlab\'s schema', () => {
    expect(clabSchemaErrors(parse(containerlabYaml(l, files)))).toEqual([]);
  });
});
