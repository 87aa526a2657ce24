// The connector's capabilities, derived from what each resource-type module implements (as the Baton SDK's
// builder derives them from the interfaces a syncer implements), so they cannot drift from the code.
import { create } from "@bufbuild/protobuf";
import {
  Capability,
  CapabilityPermissionsSchema,
  type ConnectorCapabilities,
  ConnectorCapabilitiesSchema,
  ResourceTypeCapabilitySchema,
  ResourceType_Trait,
} from "../baton/model.js";
import type { ResourceTypeModule } from "./resource-type-module.js";
import { RESOURCE_TYPE_REGISTRY, type ResourceTypeRegistry } from "./registry.js";

/** One type's capabilities, in the SDK's order: SYNC first, then each capability the module implements. */
export function moduleCapabilities(m: ResourceTypeModule): Capability[] {
  const caps = [Capability.SYNC];
  if (m.provisioner) caps.push(Capability.PROVISION);
  if (m.accountManager) caps.push(Capability.ACCOUNT_PROVISIONING);
  if (m.resourceDeleter) caps.push(Capability.RESOURCE_DELETE);
  if (m.credentialRotator) caps.push(Capability.CREDENTIAL_ROTATION);
  if (m.resourceType.traits.includes(ResourceType_Trait.SECRET)) caps.push(Capability.SYNC_SECRETS);
  return caps;
}

/** Per-type capabilities (types sorted by id) and the connector-level union, sorted by enum number. */
export function connectorCapabilities(registry: ResourceTypeRegistry = RESOURCE_TYPE_REGISTRY): ConnectorCapabilities {
  const modules = [...registry].sort((a, b) => (a.resourceType.id < b.resourceType.id ? -1 : a.resourceType.id > b.resourceType.id ? 1 : 0));
  const union = new Set<Capability>();
  const resourceTypeCapabilities = modules.map((m) => {
    const capabilities = moduleCapabilities(m);
    for (const c of capabilities) union.add(c);
    return create(ResourceTypeCapabilitySchema, { resourceType: m.resourceType, capabilities, permissions: create(CapabilityPermissionsSchema) });
  });
  return create(ConnectorCapabilitiesSchema, { resourceTypeCapabilities, connectorCapabilities: [...union].sort((a, b) => a - b) });
}
