/** Talking to running agents through their local API sockets (`<node run dir>/zt.sock`). */
import { callLocalApi } from './agent/local-api.js';
import type { MemberView, NetworkView, PeerView } from './format.js';

export const API_SOCKET_NAME = 'zt.sock';

export function apiSocketOf(nodeRunDir: string): string {
  return `${nodeRunDir}/${API_SOCKET_NAME}`;
}

export async function listNetworks(socket: string): Promise<NetworkView[]> {
  return (await callLocalApi(socket, 'GET', '/network')) as NetworkView[];
}

export async function listPeers(socket: string): Promise<PeerView[]> {
  return (await callLocalApi(socket, 'GET', '/peer')) as PeerView[];
}

export async function listMembers(controllerSocket: string, nwid: string): Promise<MemberView[]> {
  const ids = Object.keys((await callLocalApi(controllerSocket, 'GET', `/controller/network/${nwid}/member`)) as Record<string, number>).sort();
  return Promise.all(ids.map(async (id) => (await callLocalApi(controllerSocket, 'GET', `/controller/network/${nwid}/member/${id}`)) as MemberView));
}

export async function setAuthorized(controllerSocket: string, nwid: string, member: string, authorized: boolean): Promise<MemberView> {
  return (await callLocalApi(controllerSocket, 'POST', `/controller/network/${nwid}/member/${member}`, { authorized })) as MemberView;
}

/** An agent's `/status` (every role answers it once its local API is up). */
export async function agentStatus(socket: string, timeoutMs?: number): Promise<{ address: string; online: boolean; role: string }> {
  return (await callLocalApi(socket, 'GET', '/status', undefined, timeoutMs)) as { address: string; online: boolean; role: string };
}
