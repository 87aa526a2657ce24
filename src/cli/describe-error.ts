import { C1zError } from "../baton/c1z/errors.js";
import { SyncError } from "../baton/sync/engine.js";
import { ConfigurationError } from "../connector/sync-context.js";
import { ProvisioningPreconditionError, ProvisioningRefusedError } from "../connector/resource-type-module.js";
import { RotationIncompleteError } from "../connector/resources/service-key-actions.js";
import { LangSmithError, PermissionError, redact } from "../langsmith/index.js";
import { UsageError } from "./config.js";
import { InvitationIdError } from "../connector/resources/invitation.js";
import { AccountRequestError, UserIdError } from "../connector/resources/user-lifecycle.js";

/** A create-account or delete request that is unusable as given: bad input (exit 2), nothing was changed. */
export function isBadLifecycleRequest(err: unknown): err is Error {
  return err instanceof AccountRequestError || err instanceof InvitationIdError || err instanceof UserIdError;
}

/** The one line a user sees for a failure: what went wrong and what to do. Always redacted. */
export function describeError(err: unknown): string {
  if (err instanceof Error && err.name === "ServiceStartError") return redact(err.message);
  if (err instanceof SyncError) {
    return `sync failed while ${err.step}: ${describeError(err.cause)} (no file was written; an existing --file was left as it was)`;
  }
  if (err instanceof PermissionError && !err.missingTenantHeader) {
    if (err.missingPermission) return `${err.message} (give the key a role with ${err.missingPermission}: an organization-scoped service key with Organization Admin has every permission this connector needs)`;
    if (err.wrongOrganization) return `${err.message} (pass the organization id that key belongs to — LangSmith → Settings → Organization — or a key of that organization)`;
    return `${err.message} (use an organization-scoped service key with Organization Admin, and the organization id that key belongs to)`;
  }
  if (
    err instanceof LangSmithError ||
    err instanceof UsageError ||
    err instanceof C1zError ||
    err instanceof ConfigurationError ||
    err instanceof ProvisioningRefusedError ||
    err instanceof ProvisioningPreconditionError ||
    isBadLifecycleRequest(err) ||
    err instanceof RotationIncompleteError
  ) {
    return redact(err.message);
  }
  return redact(`unexpected error: ${(err as Error)?.message ?? String(err)} (run with --log-level debug for details)`);
}
