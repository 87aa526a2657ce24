import type { ClientId } from "./credentials.js";

export interface ServiceEndpoints {
  /** `https://host:port` of the gRPC service (port 443 unless given). */
  readonly grpcBaseUrl: string;
  /** The OAuth token endpoint on the same host, its port kept as given. */
  readonly tokenUrl: string;
}

/**
 * Where ConductorOne is reached: the client id's host, unless BATON_C1_API_HOST (host[:port]) overrides it.
 * The override moves both the gRPC service and the token endpoint, never the JWT audience.
 */
export function serviceEndpoints(clientId: ClientId, apiHostOverride?: string): ServiceEndpoints {
  const hostPort = apiHostOverride && apiHostOverride.trim() !== "" ? apiHostOverride.trim() : clientId.hostPort;
  const hasPort = /:\d+$/.test(hostPort) && !hostPort.endsWith("]");
  return {
    grpcBaseUrl: `https://${hasPort ? hostPort : `${hostPort}:443`}`,
    tokenUrl: `https://${hostPort}/auth/v1/token`,
  };
}
