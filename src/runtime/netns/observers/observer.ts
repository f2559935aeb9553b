/** How the netns runtime reads a node's BGP state: one observer per daemon kind. */
import type { Lab, LabNode } from '../../../topology/lab.js';
import type { RouteObservation, SessionObservation } from '../../runtime.js';
import type { CommandResult } from '../commands.js';

export interface ObserveContext {
  lab: Lab;
  node: LabNode;
  /** The node's private run directory on the host (control sockets live there). */
  runDir: string;
  /** Run a command inside the node's namespace. */
  exec(argv: readonly string[]): Promise<CommandResult>;
}

export interface BgpObserver {
  sessions(ctx: ObserveContext): Promise<SessionObservation[]>;
  routes(ctx: ObserveContext, prefix: string | undefined): Promise<RouteObservation[]>;
}

/** The lab node behind a peer address of `node`'s sessions, or the address itself. */
export function peerNodeName(ctx: ObserveContext, address: string): string {
  for (const s of ctx.lab.sessions) {
    if (s.a.node === ctx.node.name && s.b.address === address) return s.b.node;
    if (s.b.node === ctx.node.name && s.a.address === address) return s.a.node;
  }
  return address;
}
