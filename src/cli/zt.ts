/**
 * `flatlab zt`: the ZeroTier-style overlay.
 *
 *   flatlab zt agent --config zerotier.yml --run DIR      the node's agent (controller, root or member), foreground
 *   flatlab zt listnetworks <topology> [node]             like `zerotier-cli listnetworks`, per member
 *   flatlab zt peers <topology> [node]                    like `zerotier-cli peers`
 *   flatlab zt members <topology>                         the controller's members and their state
 *   flatlab zt authorize|deauthorize <topology> <member>  through the controller's local API
 *
 * The agents of a netns lab answer on `<run root>/<lab>/nodes/<node>/zt.sock`.
 */
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { formatDiagnostic, InputError, sortDiagnostics } from '../config/diagnostics.js';
import { didYouMean } from '../config/suggest.js';
import { startHesiodDaemon, type HesiodDaemon } from '../dns/server/hesiod-daemon.js';
import { zerotierPlan } from '../emit/zerotier.js';
import { DEFAULT_RUN_ROOT } from '../runtime/netns/netns-runtime.js';
import type { Lab } from '../topology/lab.js';
import type { AgentConfig } from '../zt/agent-config.js';
import { loadAgentConfig, startAgent } from '../zt/agent/run-agent.js';
import { apiSocketOf, listMembers, listNetworks, listPeers, setAuthorized } from '../zt/client.js';
import { formatListNetworks, formatMembers, formatPeers } from '../zt/format.js';
import { isMemberId } from '../zt/ids.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { compileCliTopology } from './generate.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

interface QueryOptions {
  runRoot: string;
  json: boolean;
}

async function loadLab(io: CliIO, file: string): Promise<Lab | undefined> {
  const result = await compileCliTopology(io, file);
  if (!result.lab) {
    for (const d of sortDiagnostics(result.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`${file}: invalid topology\n`);
    return undefined;
  }
  return result.lab;
}

function nodeSocket(opts: QueryOptions, lab: Lab, node: string): string {
  return apiSocketOf(`${opts.runRoot}/${lab.name}/nodes/${node}`);
}

function membersOf(lab: Lab, node: string | undefined): string[] {
  const plan = zerotierPlan(lab);
  const members = [...plan.agents.values()].filter((a) => a.role === 'member').map((a) => a.node);
  if (node === undefined) return members;
  if (!members.includes(node)) throw new InputError('zt.not-a-member', `"${node}" is not a zerotier member of ${lab.name}${didYouMean(node, members)}`, { hint: `members: ${members.join(', ')}` });
  return [node];
}

export async function runZtQuery(what: 'listnetworks' | 'peers', file: string, node: string | undefined, opts: QueryOptions, io: CliIO): Promise<number> {
  try {
    const lab = await loadLab(io, file);
    if (!lab) return EXIT_USAGE;
    const out: Record<string, unknown> = {};
    for (const n of membersOf(lab, node)) {
      const sock = nodeSocket(opts, lab, n);
      const data = await (what === 'listnetworks' ? listNetworks(sock) : listPeers(sock)).catch((err: Error) => {
        throw new InputError('zt.agent-unreachable', `the zerotier agent of ${n} does not answer (${err.message})`, { hint: `is the lab up? flatlab up ${file}` });
      });
      out[n] = data;
      if (!opts.json) io.stdout(what === 'listnetworks' ? formatListNetworks(n, data as never) : formatPeers(n, data as never));
    }
    if (opts.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

function controllers(lab: Lab): Array<Extract<AgentConfig, { role: 'controller' }>> {
  return [...zerotierPlan(lab).agents.values()].filter((a): a is Extract<AgentConfig, { role: 'controller' }> => a.role === 'controller');
}

export async function runZtMembers(file: string, opts: QueryOptions, io: CliIO): Promise<number> {
  try {
    const lab = await loadLab(io, file);
    if (!lab) return EXIT_USAGE;
    const out: Record<string, unknown> = {};
    for (const c of controllers(lab)) {
      for (const nwid of Object.keys(c.networks)) {
        const members = await listMembers(nodeSocket(opts, lab, c.node), nwid).catch((err: Error) => {
          throw new InputError('zt.agent-unreachable', `the controller ${c.node} does not answer (${err.message})`, { hint: `is the lab up? flatlab up ${file}` });
        });
        const named = members.map((m) => ({ ...m, name: m.name || '' }));
        out[nwid] = named;
        if (!opts.json) io.stdout(formatMembers(nwid, named));
      }
    }
    if (opts.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export async function runZtAuthorize(file: string, member: string, authorized: boolean, opts: QueryOptions, io: CliIO): Promise<number> {
  try {
    const lab = await loadLab(io, file);
    if (!lab) return EXIT_USAGE;
    const plan = zerotierPlan(lab);
    const agent = plan.agents.get(member) ?? [...plan.agents.values()].find((a) => a.address === member);
    if (!agent || agent.role !== 'member') {
      const names = [...plan.agents.values()].filter((a) => a.role === 'member').map((a) => a.node);
      throw new InputError('zt.not-a-member', `"${member}" is not a zerotier member of ${lab.name}${isMemberId(member) ? '' : didYouMean(member, names)}`, { hint: `members: ${names.join(', ')}` });
    }
    if (!agent.controller) throw new InputError('zt.no-controller', `no controller in ${lab.name} serves ${agent.node}'s network ${agent.network}`, { hint: 'add a zerotier node with role: controller and that network' });
    const ctl = agent.controller.node;
    const view = await setAuthorized(nodeSocket(opts, lab, ctl), agent.network, agent.address, authorized).catch((err: Error) => {
      throw new InputError('zt.agent-unreachable', `the controller ${ctl} did not take the change (${err.message})`, { hint: `is the lab up? flatlab up ${file}` });
    });
    io.stdout(opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${agent.node} (${agent.address}) on ${agent.network}: ${view.state}\n`);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

/** Serve the member's Hesiod zone on its overlay addresses, following them as the config changes. */
function hesiodFollower(zone: string, log: (line: string) => void) {
  let daemon: HesiodDaemon | undefined;
  let chain = Promise.resolve();
  const logger = pino({ base: { module: 'flatlab-hesiod' } }, pino.destination(2));
  return {
    update(addresses: string[]) {
      const listen = addresses.map((a) => a.split('/')[0]!).filter((a) => a.includes('.')).map((host) => ({ host, port: 53 }));
      chain = chain.then(async () => {
        await daemon?.close();
        daemon = undefined;
        if (listen.length === 0) return;
        daemon = await startHesiodDaemon({ sources: [{ kind: 'zone', file: zone }], listen, tsigKeys: [], logQueries: false, hsAlsoIn: true, version: 'flatlab' }, { logger, now: () => new Date() });
        log(`hesiod serving ${zone} on ${listen.map((l) => `${l.host}:53`).join(', ')}`);
      }).catch((err: Error) => log(`hesiod could not start: ${err.message}`));
    },
    close: () => chain.then(() => daemon?.close()),
  };
}

export async function runZtAgent(opts: { config: string; run: string }, io: CliIO, stopSignal: Promise<void>): Promise<number> {
  try {
    const cfg = await loadAgentConfig(opts.config);
    const log = (line: string) => io.stderr(`${new Date().toISOString()} ${cfg.node}: ${line}\n`);
    const hesiod = cfg.role === 'member' && cfg.hesiod ? hesiodFollower(`${dirname(opts.config)}/${cfg.hesiod}`, log) : undefined;
    const agent = await startAgent(cfg, apiSocketOf(opts.run), log, hesiod ? (a) => hesiod.update(a) : undefined);
    await stopSignal;
    await hesiod?.close();
    await agent.stop();
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export const ztVerb: Verb = {
  name: 'zt',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    const zt = program.command('zt').description('the ZeroTier-style overlay: agents, networks, peers, members, authorization');
    const query = (c: Command) => c.option('--run-root <dir>', 'where netns labs keep their run directories', DEFAULT_RUN_ROOT).option('--json', 'print the agents\' data as JSON', false);
    query(zt.command('listnetworks').description('networks of each member (or one), like zerotier-cli listnetworks').argument('<topology>').argument('[node]'))
      .action(async (file: string, node: string | undefined, o: QueryOptions) => done(await runZtQuery('listnetworks', file, node, o, io)));
    query(zt.command('peers').description('peers of each member (or one) and how they are reached, like zerotier-cli peers').argument('<topology>').argument('[node]'))
      .action(async (file: string, node: string | undefined, o: QueryOptions) => done(await runZtQuery('peers', file, node, o, io)));
    query(zt.command('members').description('members of the controllers\' networks and their authorization').argument('<topology>'))
      .action(async (file: string, o: QueryOptions) => done(await runZtMembers(file, o, io)));
    for (const [verb, authorized] of [['authorize', true], ['deauthorize', false]] as const) {
      query(zt.command(verb).description(`${verb} a member (node name or 10-hex address) at its network's controller`).argument('<topology>').argument('<member>'))
        .action(async (file: string, member: string, o: QueryOptions) => done(await runZtAuthorize(file, member, authorized, o, io)));
    }
    zt.command('agent')
      .description('run a node\'s overlay agent in the foreground (started by the netns runtime; SIGINT/SIGTERM stop it)')
      .requiredOption('-c, --config <file>', 'zerotier.yml written by flatlab generate')
      .requiredOption('--run <dir>', 'the node\'s run directory (the local API socket goes here)')
      .action(async (o: { config: string; run: string }) => {
        const stop = new Promise<void>((resolve) => {
          const onSignal = () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            resolve();
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
        done(await runZtAgent(o, io, stop));
      });
  },
};
