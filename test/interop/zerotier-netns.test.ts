/**
 * The ZeroTier mesh on netns with real packets (root; CI). The scenarios prove joining,
 * all-pairs reach, deauthorization, path failover, the flow rule and Hesiod on the overlay.
 * This file also proves the underlay never carries the overlay's payload in clear: a marker
 * sent between members is visible on the member's overlay device and absent from a capture of
 * every underlay interface of the core router and the NAT router it crosses. And `down`
 * leaves no namespace, process or state file behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { compileCliTopology } from '../../src/cli/generate.js';
import { NetnsRuntime } from '../../src/runtime/netns/netns-runtime.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['ip', 'nft', 'bridge', 'tcpdump', 'ping', 'dig'], { root: true });
const root = join(import.meta.dirname, '../..');
const PREFIX = 'fl-zerotier-mesh-';
const leftovers = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(PREFIX));

describe.skipIf(reason)('ZeroTier mesh on netns', () => {
  it('passes every zerotier-mesh scenario and leaves nothing behind', async () => {
    const io = memoryIO(root);
    const code = await main(['run', 'scenarios/zerotier-mesh', '--runtime', 'netns'], io);
    const { stdout } = io.text();
    expect(stdout).toContain('8/8 scenarios passed');
    expect(code).toBe(0);
    expect(leftovers()).toEqual([]);
  }, 15 * 60_000);

  it('the underlay carries the overlay payload only encrypted, and down removes everything', async () => {
    const io = memoryIO(root);
    const { lab } = await compileCliTopology(io, 'topologies/zerotier-mesh.yml');
    expect(lab).toBeDefined();
    const runRoot = mkdtempSync(join(tmpdir(), 'flatlab-zt-'));
    const runtime = new NetnsRuntime({ runRoot });
    const capture = mkdtempSync(join(tmpdir(), 'flatlab-zt-pcap-'));
    const captures: Array<{ pid: number; file: string }> = [];
    try {
      await runtime.up({ ...lab!, sourceFile: 'topologies/zerotier-mesh.yml' });
      // The agents start in the background of `up`: wait (bounded) until m4 has its config and reaches m1.
      for (let i = 0; i < 60; i++) {
        const nets = await runtime.overlayNetworks('m4').catch(() => []);
        if (nets[0]?.status === 'OK' && (await runtime.reach('m4', { to: '10.147.17.11', protocol: 'icmp', count: 1 })).reachable) break;
        await runtime.sleep(500);
      }
      // Capture everything on the core router and on nat2 (m4's traffic to m1 crosses both), and the overlay device on m1.
      const start = (ns: string, iface: string, name: string) => {
        const file = join(capture, `${name}.pcap`);
        const p = spawn('ip', ['netns', 'exec', `${PREFIX}${ns}`, 'tcpdump', '-i', iface, '-U', '-n', '-s', '0', '-w', file], { stdio: 'ignore' });
        captures.push({ pid: p.pid!, file });
        return file;
      };
      const core = start('inet', 'any', 'inet');
      const nat = start('nat2', 'any', 'nat2');
      const inner = start('m1', 'zt1c000001', 'm1-overlay');
      await runtime.sleep(1500);
      // "FLATLAB-MARKER!!" as ping's 16-byte fill pattern.
      const marker = Buffer.from('FLATLAB-MARKER!!');
      const r = await runtime.exec('m4', ['ping', '-c', '5', '-i', '0.2', '-W', '1', '-p', marker.toString('hex'), '-s', '200', '10.147.17.11']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      await runtime.sleep(1000);
      for (const c of captures) process.kill(c.pid, 'SIGINT');
      await runtime.sleep(500);
      const overlay = readFileSync(inner);
      expect(overlay.includes(marker), 'the marker must cross the overlay in clear (else this test proves nothing)').toBe(true);
      for (const file of [core, nat]) {
        const underlay = readFileSync(file);
        // The overlay's datagrams are there (the capture saw them) ...
        expect(underlay.length).toBeGreaterThan(5 * 200);
        // ... but not their payload.
        expect(underlay.includes(marker), `${file} shows the marker in clear`).toBe(false);
        expect(underlay.includes(Buffer.from('FLATLAB-MARKER'))).toBe(false);
      }
    } finally {
      for (const c of captures) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      const state = (() => {
        try {
          return JSON.parse(readFileSync(join(runRoot, 'zerotier-mesh', 'state.json'), 'utf8')) as { processes: Array<{ pid: number }> };
        } catch {
          return undefined;
        }
      })();
      await runtime.down();
      expect(leftovers()).toEqual([]);
      expect(existsSync(join(runRoot, 'zerotier-mesh', 'state.json'))).toBe(false);
      for (const p of state?.processes ?? []) expect(existsSync(`/proc/${p.pid}`), `process ${p.pid} survived down`).toBe(false);
      rmSync(capture, { recursive: true, force: true });
      rmSync(runRoot, { recursive: true, force: true });
    }
  }, 5 * 60_000);
});
