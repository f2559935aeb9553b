/**
 * The shared policy table (test/fixtures/policy/table.ts) through real daemons: for a few
 * representative cases, a lab on the netns runtime where one flatlab bgpd feeder per case
 * (AS 65002) announces the case's route to four routers in AS 65010 — flatlab bgpd
 * (evaluating the policy natively), BIRD, FRR and GoBGP (running the configs src/emit/
 * writes) — each importing from that feeder through the case's chain. Every router must
 * accept or reject as the table says, with the attributes it says.
 *
 * Cases without a prefix condition get a prefix of their own (198.18.<i>.0/24) so that each
 * router holds one path per prefix; the table's expectations do not depend on the prefix then.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kindCatalog } from '../../src/kinds/index.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { NetnsRuntime } from '../../src/runtime/netns/netns-runtime.js';
import type { Lab } from '../../src/topology/lab.js';
import type { Policy } from '../../src/bgp/policy/model.js';
import type { RouteObservation } from '../../src/runtime/runtime.js';
import { policyTable, type PolicyCase } from '../fixtures/policy/table.js';
import { communityNumber, communityText, toPolicyRoute } from '../bgp/policy/table-route.js';
import { needTools } from '../support/need-tools.js';
import { httpOverSocket, waitFor } from '../support/daemons.js';

const reason = needTools(['ip', 'bird', 'birdc', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd', 'vtysh', 'gobgpd', 'gobgp'], { root: true });

const CASE_NAMES = ['prefix le admits more specifics', 'prefix le bounds the length', 'set med', 'prepend own ASN twice', 'community remove by wildcard', 'large community add'];
const ROUTERS = [
  { node: 'dflat', kind: 'flatlab-bgpd', daemon: 'flatlab' },
  { node: 'dbird', kind: 'bird', daemon: 'bird' },
  { node: 'dfrr', kind: 'frr', daemon: 'frr' },
  { node: 'dgobgp', kind: 'gobgp', daemon: 'gobgp' },
] as const;
const FEEDER_AS = 65002;
const ROUTER_AS = 65010;

interface LabCase {
  feeder: string;
  c: PolicyCase;
  prefix: string;
  chain: string[];
}

const usesPrefix = (policies: Record<string, Policy>) => Object.values(policies).some((p) => p.some((t) => t.match?.prefix !== undefined));

function labCases(): LabCase[] {
  return CASE_NAMES.map((name, i) => {
    const c = policyTable.find((x) => x.name === name);
    if (!c) throw new Error(`no case "${name}" in the shared policy table`);
    // What this lab can replay: an import chain, evaluated in AS 65010, on a route from AS 65002.
    if (c.direction === 'export' || c.localAsn !== ROUTER_AS || c.route.asPath[0] !== FEEDER_AS || c.expect.nextHop !== undefined) throw new Error(`case "${name}" does not fit this lab`);
    return { feeder: `f${i}`, c, prefix: usesPrefix(c.policies) ? c.route.prefix : `198.18.${i}.0/24`, chain: c.chain.map((p) => (p === 'all' || p === 'none' ? p : `c${i}-${p}`)) };
  });
}

function topologyText(cases: LabCase[]): string {
  const policies: Record<string, Policy> = {};
  cases.forEach(({ c }, i) => {
    for (const [name, body] of Object.entries(c.policies)) policies[`c${i}-${name}`] = body;
  });
  const lines = [
    'name: poltab',
    'addressing: { loopback: { ipv4: 10.254.0.0/24 }, links: { ipv4: 10.90.0.0/20 } }',
    'nodes:',
    ...cases.map((x) => `  ${x.feeder}: { kind: flatlab-bgpd, asn: ${FEEDER_AS}, import: none, export: all }`),
    ...ROUTERS.map((r) => `  ${r.node}: { kind: ${r.kind}, asn: ${ROUTER_AS}, export: none }`),
    'links:',
    ...cases.flatMap((x) => ROUTERS.map((r) => `  - [${x.feeder}, ${r.node}]`)),
    'bgp:',
    '  sessions:',
    '    - auto',
    ...cases.flatMap((x) => ROUTERS.map((r) => `    - { between: [${x.feeder}, ${r.node}], ends: { ${r.node}: { import: ${JSON.stringify(x.chain)} } } }`)),
    `policies: ${JSON.stringify(policies)}`,
  ];
  return `${lines.join('\n')}\n`;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe.skipIf(reason)('shared policy table: flatlab bgpd and BIRD/FRR/GoBGP with the emitted configs agree', () => {
  const cases = labCases();
  let runRoot: string;
  let runtime: NetnsRuntime;
  let lab: Lab;

  beforeAll(async () => {
    const compiled = compileTopology(parseYamlSource(topologyText(cases), 'poltab.yml'), { kinds: kindCatalog });
    if (!compiled.lab) throw new Error(`the policy lab does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    lab = compiled.lab;
    runRoot = mkdtempSync(join(tmpdir(), 'flatlab-poltab-'));
    chmodSync(runRoot, 0o755);
    runtime = new NetnsRuntime({ runRoot });
    await runtime.up(lab);
    for (const x of cases) {
      const attributes = toPolicyRoute(x.c.route).attributes;
      const { nextHop: _n, localPref: _l, asPath, ...rest } = attributes;
      // The feeder prepends its own AS (65002) on export: it originates the rest of the case's path.
      await httpOverSocket(join(runtime.runDirOf(lab.name), 'nodes', x.feeder, 'bgpd.sock'), 'POST', '/announce', {
        prefix: x.prefix,
        attributes: { ...rest, asPath: [{ type: 2, asns: (asPath ?? []).flatMap((s) => s.asns).slice(1) }] },
      });
    }
  }, 180_000);

  afterAll(async () => {
    await runtime?.down();
    // FRR made its -N pathspace directory (named after the node); the runtime does not remove it.
    rmSync('/var/run/frr/dfrr', { recursive: true, force: true });
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 120_000);

  for (const r of ROUTERS) {
    test(`${r.daemon}: every case accepted or rejected with the table's attributes`, async () => {
      const live = cases.filter((x) => !x.c.notFor?.includes(r.daemon as 'bird' | 'frr' | 'gobgp'));
      const fromFeeder = async (x: LabCase): Promise<RouteObservation | undefined> => (await runtime.bgpRoutes(r.node, x.prefix)).find((o) => o.from === x.feeder);
      // Sessions first, then every accepted route; a rejected one has had the same time to (wrongly) arrive.
      await waitFor(`${r.node}: sessions with every feeder Established`, async () => {
        const s = await runtime.bgpSessions(r.node);
        return live.every((x) => s.some((o) => o.peer === x.feeder && o.state === 'established')) ? true : undefined;
      }, { timeoutMs: 60_000 });
      for (const x of live.filter((y) => y.c.expect.verdict === 'accept')) await waitFor(`${x.prefix} from ${x.feeder} at ${r.node} (${x.c.name})`, () => fromFeeder(x), { timeoutMs: 30_000 });
      for (const x of live) {
        const o = await fromFeeder(x);
        const e = x.c.expect;
        const seen = o && {
          verdict: 'accept',
          ...(e.localPref !== undefined ? { localPref: o.localPref } : {}),
          ...(e.med !== undefined ? { med: o.med } : {}),
          ...(e.asPath !== undefined ? { asPath: o.asPath } : {}),
          ...(e.communities !== undefined ? { communities: sorted(o.communities) } : {}),
          ...(e.largeCommunities !== undefined ? { largeCommunities: sorted(o.largeCommunities) } : {}),
        };
        const want = {
          verdict: e.verdict,
          ...(e.localPref !== undefined ? { localPref: e.localPref } : {}),
          ...(e.med !== undefined ? { med: e.med } : {}),
          ...(e.asPath !== undefined ? { asPath: e.asPath } : {}),
          ...(e.communities !== undefined ? { communities: sorted(e.communities.map((t) => communityText(communityNumber(t)))) } : {}),
          ...(e.largeCommunities !== undefined ? { largeCommunities: sorted(e.largeCommunities) } : {}),
        };
        expect({ case: x.c.name, ...(seen ?? { verdict: 'reject' }) }).toEqual({ case: x.c.name, ...(e.verdict === 'accept' ? want : { verdict: 'reject' }) });
      }
    }, 120_000);
  }
});
