// The `capabilities` output follows the registry: a type opts into a capability by implementing it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResourceType_Trait, newResourceType } from "../src/baton/model.js";
import { RESOURCE_TYPE_REGISTRY } from "../src/connector/registry.js";
import type { ResourceTypeModule } from "../src/connector/resource-type-module.js";
import { capabilitiesJson } from "../src/cli/schema-output.js";

const refuse = () => Promise.reject(new Error("not called in this test"));

function module(id: string, parts: Partial<ResourceTypeModule> = {}, traits = [ResourceType_Trait.ROLE]): ResourceTypeModule {
  const userSyncer = RESOURCE_TYPE_REGISTRY[0]!.syncer;
  return { resourceType: newResourceType(id, id, traits), syncer: userSyncer, ...parts };
}

function capabilitiesOf(json: string): { byType: Record<string, string[]>; connector: string[] } {
  const caps = JSON.parse(json) as { resourceTypeCapabilities: { resourceType: { id: string }; capabilities: string[] }[]; connectorCapabilities: string[] };
  return { byType: Object.fromEntries(caps.resourceTypeCapabilities.map((c) => [c.resourceType.id, c.capabilities])), connector: caps.connectorCapabilities };
}

describe("capabilities derived from the registry", () => {
  it("a type with a provisioner appears as PROVISION; one without, as SYNC only", () => {
    const registry = [module("team"), module("team_role", { provisioner: { grant: refuse, revoke: refuse } })];
    const { byType, connector } = capabilitiesOf(capabilitiesJson(registry));
    assert.deepEqual(byType, { team: ["CAPABILITY_SYNC"], team_role: ["CAPABILITY_SYNC", "CAPABILITY_PROVISION"] });
    assert.deepEqual(connector, ["CAPABILITY_PROVISION", "CAPABILITY_SYNC"]);
  });

  it("a registry without provisioners has no PROVISION at connector level", () => {
    const { connector } = capabilitiesOf(capabilitiesJson([module("team")]));
    assert.deepEqual(connector, ["CAPABILITY_SYNC"]);
  });

  it("each optional part maps to its capability, in the SDK's order, and the connector list is their sorted union", () => {
    const key = module(
      "service_key",
      {
        resourceDeleter: { deleteResource: refuse },
        credentialRotator: { rotateCredential: refuse },
      },
      [ResourceType_Trait.SECRET],
    );
    const invitation = module("invitation", { accountManager: { createAccount: refuse, accountCreationSchema: { fields: [] } } }, [ResourceType_Trait.USER]);
    const { byType, connector } = capabilitiesOf(capabilitiesJson([key, invitation]));
    assert.deepEqual(byType.service_key, ["CAPABILITY_SYNC", "CAPABILITY_RESOURCE_DELETE", "CAPABILITY_CREDENTIAL_ROTATION", "CAPABILITY_SYNC_SECRETS"]);
    assert.deepEqual(byType.invitation, ["CAPABILITY_SYNC", "CAPABILITY_ACCOUNT_PROVISIONING"]);
    assert.deepEqual(connector, [
      "CAPABILITY_SYNC",
      "CAPABILITY_ACCOUNT_PROVISIONING",
      "CAPABILITY_CREDENTIAL_ROTATION",
      "CAPABILITY_RESOURCE_DELETE",
      "CAPABILITY_SYNC_SECRETS",
    ]);
  });
});
