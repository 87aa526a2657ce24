// Revoking and rotating service keys. Both read what LangSmith holds now (never the .c1z) and refuse to
// touch the key this connector itself authenticates with.
//
// Rotation: create the replacement (same description, scope, roles and lifetime), hand its secret back,
// and only then — in afterHandover, which the caller runs once the secret is written out — delete the old
// key. LangSmith returns a key's secret only in the answer to its creation, so a lost answer means a key
// nobody can use: it is found by reading the keys back, deleted, and the creation tried once more, so no
// stray key is left behind.
import type { ResourceId } from "../../baton/model.js";
import { realClock } from "../../common/clock.js";
import { type ApiKeyInfo, type CreateServiceKeyInput, type CreatedServiceKey, LangSmithError, NotFoundError } from "../../langsmith/index.js";
import { SERVICE_KEY } from "../ids.js";
import {
  type ActionContext,
  type ActionOutcome,
  type CredentialRotationOutcome,
  type CredentialRotator,
  ProvisioningPreconditionError,
  ProvisioningRefusedError,
  type ResourceDeleter,
} from "../resource-type-module.js";
import { parseTime } from "../secrets/findings.js";

/** Rotation created a key but could not finish; the message names both keys. Nothing was deleted by the failing step. */
export class RotationIncompleteError extends Error {
  override name = "RotationIncompleteError";
}

function checkType(rid: ResourceId, action: string): void {
  if (rid.resourceType !== SERVICE_KEY) throw new ProvisioningRefusedError(`${action} works on ${SERVICE_KEY} resources, not ${rid.resourceType}`);
}

function describeKey(k: ApiKeyInfo): string {
  return `${k.id} (${k.shortKey}${k.description ? `, "${k.description}"` : ""})`;
}

function refuseOwnKey(ctx: ActionContext, k: ApiKeyInfo, action: string): void {
  if (ctx.client.callerKeyMatches(k.shortKey)) {
    throw new ProvisioningRefusedError(
      `refusing to ${action} service key ${describeKey(k)}: its visible characters match the key this connector is using (--api-key), and ${action === "delete" ? "deleting" : "rotating"} it would cut the connector off; use another key for this, or do it in LangSmith's settings`,
    );
  }
}

/** Deletes the key; a key already gone (not listed, or 404 on delete) is success. */
async function deleteIfPresent(ctx: ActionContext, keyId: string): Promise<"deleted" | "already-gone"> {
  try {
    await ctx.client.deleteServiceKey(keyId, { signal: ctx.signal });
    return "deleted";
  } catch (err) {
    if (err instanceof NotFoundError) return "already-gone";
    throw err;
  }
}

export const serviceKeyDeleter: ResourceDeleter = {
  async deleteResource(ctx: ActionContext, rid: ResourceId): Promise<ActionOutcome> {
    checkType(rid, "--delete-resource");
    const key = (await ctx.client.listServiceKeys({ signal: ctx.signal })).find((k) => k.id === rid.resource);
    if (!key) return { message: `service key ${rid.resource} is already gone: nothing to delete`, annotations: [] };
    refuseOwnKey(ctx, key, "delete");
    const result = await deleteIfPresent(ctx, key.id);
    ctx.logger.info("service key deleted", { keyId: key.id, result });
    return {
      message: result === "deleted" ? `deleted service key ${describeKey(key)}` : `service key ${describeKey(key)} was already gone: nothing to delete`,
      annotations: [],
    };
  },
};

/** The creation request that reproduces `old`: same description, scope, roles and lifetime (counted from now). */
async function replacementSpec(ctx: ActionContext, old: ApiKeyInfo, now: number): Promise<CreateServiceKeyInput> {
  const spec: CreateServiceKeyInput = { description: old.description ?? "" };
  const created = parseTime(old.createdAt);
  const expires = parseTime(old.expiresAt);
  if (expires !== undefined) {
    if (created === undefined) throw new ProvisioningPreconditionError(`service key ${old.id} has an expiry but no creation time, so its lifetime is unknown: nothing rotated`);
    spec.expiresAt = new Date(now + Math.max(0, expires - created)).toISOString();
  }
  const orgWide = old.accessScope ? old.accessScope === "organization" : !!old.orgRoleId;
  if (orgWide) {
    if (old.orgRoleId) spec.orgRoleId = old.orgRoleId;
    if (old.roleId) spec.roleId = old.roleId;
    return spec;
  }
  // LangSmith lists a key's workspaces by name; creation wants ids. Resolve among the live workspaces.
  const live = (await ctx.client.listWorkspaces({ signal: ctx.signal })).filter((w) => !w.deleted);
  const ids: string[] = [];
  for (const name of old.workspaceNames) {
    const matches = live.filter((w) => w.displayName === name);
    if (matches.length !== 1) {
      throw new ProvisioningPreconditionError(
        `service key ${old.id} is scoped to workspace "${name}", which ${matches.length === 0 ? "matches no live workspace (deleted?)" : `matches ${matches.length} workspaces by name`}: the replacement's scope cannot be reproduced, so nothing was rotated`,
      );
    }
    ids.push(matches[0]!.id);
  }
  if (ids.length === 0) throw new ProvisioningPreconditionError(`service key ${old.id} is workspace-scoped but lists no workspace: nothing rotated`);
  spec.workspaceIds = ids;
  if (old.roleId) spec.roleId = old.roleId;
  return spec;
}

/** Could `k` be the key a creation with `spec` made? */
function madeBy(k: ApiKeyInfo, spec: CreateServiceKeyInput): boolean {
  const orgWide = spec.workspaceIds === undefined;
  return (
    (k.description ?? "") === spec.description &&
    (k.accessScope ? k.accessScope === (orgWide ? "organization" : "workspace") : true) &&
    (spec.roleId === undefined || k.roleId === spec.roleId) &&
    (spec.orgRoleId === undefined || k.orgRoleId === spec.orgRoleId)
  );
}

/**
 * Creates the replacement. A failure that may have happened after LangSmith created the key (lost answer,
 * timeout, 5xx) is followed by a read-back: a key that appeared meanwhile and looks like ours is deleted
 * (its secret was never seen, so nobody can be using it), then the creation is tried once more.
 */
async function createReplacement(ctx: ActionContext, spec: CreateServiceKeyInput, known: Set<string>, oldId: string): Promise<CreatedServiceKey> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.client.createServiceKey(spec, { signal: ctx.signal });
    } catch (err) {
      if (!(err instanceof LangSmithError && err.transient)) throw err;
      const strays = (await ctx.client.listServiceKeys({ signal: ctx.signal })).filter((k) => !known.has(k.id) && madeBy(k, spec));
      for (const stray of strays) {
        try {
          await deleteIfPresent(ctx, stray.id);
        } catch (cleanup) {
          throw new RotationIncompleteError(
            `rotating service key ${oldId}: the answer to creating its replacement was lost and LangSmith did create key ${stray.id}, whose secret never arrived; deleting it failed (${(cleanup as Error).message}). Delete ${stray.id} in LangSmith; ${oldId} is untouched`,
          );
        }
        ctx.logger.warn("deleted a replacement key whose creation answer was lost (its secret never arrived)", { keyId: stray.id });
      }
      if (attempt >= 2) {
        throw new RotationIncompleteError(`rotating service key ${oldId}: creating the replacement failed (${err.message}); no replacement is left behind and ${oldId} is untouched`);
      }
      ctx.logger.warn("creating the replacement key failed; read back, retrying once", { reason: err.message, leftovers: strays.length });
    }
  }
}

export const serviceKeyRotator: CredentialRotator = {
  async rotateCredential(ctx: ActionContext, rid: ResourceId): Promise<CredentialRotationOutcome> {
    checkType(rid, "--rotate-credentials");
    const keys = await ctx.client.listServiceKeys({ signal: ctx.signal });
    const old = keys.find((k) => k.id === rid.resource);
    if (!old) throw new ProvisioningPreconditionError(`service key ${rid.resource} does not exist (any more): nothing to rotate`);
    refuseOwnKey(ctx, old, "rotate");
    const spec = await replacementSpec(ctx, old, realClock.now());
    const created = await createReplacement(ctx, spec, new Set(keys.map((k) => k.id)), old.id);
    ctx.logger.info("replacement service key created", { oldKeyId: old.id, newKeyId: created.id });
    return {
      message: `created service key ${created.id} (${created.shortKey}) to replace ${describeKey(old)}`,
      annotations: [],
      plaintexts: [
        {
          name: "api_key",
          description: `LangSmith service key ${created.id} replacing ${old.id}`,
          schema: "text/plain",
          bytes: new TextEncoder().encode(created.key),
        },
      ],
      afterHandover: async () => {
        try {
          const result = await deleteIfPresent(ctx, old.id);
          return {
            message: `rotated service key ${old.id}: new key ${created.id} (${created.shortKey}) handed over, old key ${result === "deleted" ? "deleted" : "was already gone"}`,
            annotations: [],
          };
        } catch (err) {
          throw new RotationIncompleteError(
            `rotating service key ${old.id}: new key ${created.id} was handed over, but deleting the old key ${old.id} failed (${(err as Error).message}); both keys work now — delete ${old.id} with --delete-resource ${old.id} --delete-resource-type ${SERVICE_KEY}`,
          );
        }
      },
    };
  },
};
