import type { ResourceId } from "./gen/c1/connector/v2/resource_pb.js";

/**
 * `<resource type>:<resource id>`: how a resource is keyed (the .c1z's external_id of a resource row) and
 * the stem of its entitlement and grant ids, as the Baton SDK forms them.
 */
export function resourceKey(id: Pick<ResourceId, "resourceType" | "resource">): string {
  return `${id.resourceType}:${id.resource}`;
}
