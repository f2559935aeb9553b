/**
 * The Docker engine through dockerode: exec inside a node's container (the observers' birdc,
 * vtysh, gobgp, dig, ping run there), stop/start, the container's PID (to reach its network
 * namespace), one-shot stats, image presence, and removing a lab's leftover containers.
 */
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { ExecResult } from '../runtime.js';
import { RuntimeError } from '../errors.js';
import { DockerUnavailableError } from './errors.js';

export interface ContainerStats {
  memoryBytes: number;
  /** Percent of one CPU since the previous sample, when the engine gives one. */
  cpuPercent?: number;
}

const EXEC_TIMEOUT_MS = 120_000;

export class DockerEngine {
  private readonly docker: Docker;

  constructor(docker: Docker = new Docker()) {
    this.docker = docker;
  }

  /** Where the engine is expected, for error messages. */
  describe(): string {
    return process.env.DOCKER_HOST ?? '/var/run/docker.sock';
  }

  async requireEngine(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw new DockerUnavailableError(this.describe(), (err as Error).message);
    }
  }

  async hasImage(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** Run `argv` in a container and collect its output and exit code; abort kills the wait (the command may outlive it). */
  async exec(container: string, argv: readonly string[], signal?: AbortSignal): Promise<ExecResult> {
    signal?.throwIfAborted();
    const c = this.docker.getContainer(container);
    let exec;
    try {
      exec = await c.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
    } catch (err) {
      throw new RuntimeError('containerlab.exec', `cannot exec in ${container}: ${(err as Error).message}`, { hint: 'is the lab up? flatlab status <topology> --runtime containerlab' });
    }
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    out.on('data', (b: Buffer) => chunks.out.push(b));
    err.on('data', (b: Buffer) => chunks.err.push(b));
    this.docker.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new RuntimeError('containerlab.exec-timeout', `${argv.join(' ')} in ${container} did not finish within ${EXEC_TIMEOUT_MS / 1000} s`, { hint: 'the node may be overloaded or the command waits for input' })), EXEC_TIMEOUT_MS);
      const onAbort = () => finish(signal!.reason as Error);
      const finish = (e?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (e) {
          stream.destroy();
          reject(e);
        } else resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('end', () => finish());
      stream.on('close', () => finish());
      stream.on('error', (e: Error) => finish(e));
    });
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? 127, stdout: Buffer.concat(chunks.out).toString('utf8'), stderr: Buffer.concat(chunks.err).toString('utf8') };
  }

  async stop(container: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(container).stop({ t: graceSeconds });
    } catch (err) {
      // 304: already stopped.
      if ((err as { statusCode?: number }).statusCode !== 304) throw new RuntimeError('containerlab.stop', `cannot stop ${container}: ${(err as Error).message}`, { hint: 'see docker ps -a' });
    }
  }

  async start(container: string): Promise<void> {
    try {
      await this.docker.getContainer(container).start();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 304) throw new RuntimeError('containerlab.start', `cannot start ${container}: ${(err as Error).message}`, { hint: `see docker logs ${container}` });
    }
  }

  /** PID of the container's init process, 0 when it is not running. */
  async pid(container: string): Promise<number> {
    const info = await this.docker.getContainer(container).inspect();
    return info.State.Running ? info.State.Pid : 0;
  }

  async stats(container: string): Promise<ContainerStats> {
    const s = (await this.docker.getContainer(container).stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as {
      memory_stats?: { usage?: number };
      cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
      precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
    };
    const cpu = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
    const system = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
    return { memoryBytes: s.memory_stats?.usage ?? 0, ...(cpu > 0 && system > 0 ? { cpuPercent: (cpu / system) * (s.cpu_stats?.online_cpus ?? 1) * 100 } : {}) };
  }

  /** Containers labelled as this lab's by containerlab (`containerlab=<lab>`), running or not. */
  async labContainers(lab: string): Promise<Array<{ id: string; name: string; state: string }>> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`containerlab=${lab}`] } });
    return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State }));
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
}
