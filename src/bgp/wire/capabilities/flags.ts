/**
 * Capabilities that carry no value, only their presence: route refresh (RFC 2918, code 2),
 * extended message (RFC 8654, code 6), enhanced route refresh (RFC 7313, code 70).
 */
import type { Capability } from '../types.js';
import { expectCapabilityLength, type CapabilitySpec } from './capability.js';

function presence<C extends Extract<Capability, { name: 'route-refresh' | 'extended-message' | 'enhanced-route-refresh' }>>(code: C['code'], name: C['name']): CapabilitySpec<C> {
  return {
    code,
    name,
    codec: {
      encode: () => undefined,
      decode(r, len) {
        expectCapabilityLength(r, len, 0, name);
        return { code, name } as C;
      },
      encodedLength: () => 0,
    },
  };
}

export const routeRefreshCapability = presence<Extract<Capability, { name: 'route-refresh' }>>(2, 'route-refresh');
export const extendedMessageCapability = presence<Extract<Capability, { name: 'extended-message' }>>(6, 'extended-message');
export const enhancedRouteRefreshCapability = presence<Extract<Capability, { name: 'enhanced-route-refresh' }>>(70, 'enhanced-route-refresh');
