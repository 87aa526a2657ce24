// Runtime validation of LangSmith bodies. Only fields the connector relies on are checked; unknown
// fields pass (LangSmith adds fields often). A body that lacks a field we need is an error, never a silent gap.
import { z } from "zod";

const id = z.string().min(1);
const optionalString = z.string().nullish();

export const roleSchema = z.object({
  id,
  name: z.string(),
  display_name: z.string(),
  description: z.string().nullish(),
  organization_id: optionalString,
  permissions: z.array(z.string()).nullish(),
  access_scope: z.enum(["organization", "workspace"]).nullish(),
});

export const workspaceSchema = z.object({
  id,
  organization_id: optionalString,
  created_at: optionalString,
  display_name: z.string(),
  is_personal: z.boolean(),
  is_deleted: z.boolean(),
  tenant_handle: optionalString,
});

export const orgMemberSchema = z.object({
  id,
  ls_user_id: id,
  user_id: optionalString,
  email: optionalString,
  full_name: optionalString,
  display_name: optionalString,
  is_disabled: z.boolean().nullish(),
  role_id: optionalString,
  org_role_id: optionalString,
  created_at: optionalString,
});

export const workspaceMemberSchema = z.object({
  id,
  ls_user_id: id,
  user_id: optionalString,
  tenant_id: optionalString,
  email: optionalString,
  full_name: optionalString,
  display_name: optionalString,
  is_disabled: z.boolean().nullish(),
  role_id: optionalString,
  created_at: optionalString,
});

export const pendingSchema = z.object({
  id,
  email: z.string(),
  role_id: optionalString,
  org_role_id: optionalString,
  tenant_id: optionalString,
  workspace_ids: z.array(z.string()).nullish(),
  workspace_role_id: optionalString,
  created_at: optionalString,
});

export const platformMemberSchema = z.object({
  id,
  is_pending: z.boolean().nullish(),
  ls_user_id: z.string().nullish(),
  email: optionalString,
  display_name: optionalString,
  is_disabled: z.boolean().nullish(),
  role_id: optionalString,
  created_at: optionalString,
  workspace_memberships: z
    .array(z.object({ workspace_id: id, workspace_name: optionalString, role_id: optionalString }))
    .nullish(),
});

export const identitySchema = z.object({
  id,
  ls_user_id: z.string().nullish(),
  tenant_id: optionalString,
  role_id: optionalString,
});

export const organizationSchema = z.object({
  id: optionalString,
  display_name: optionalString,
  is_personal: z.boolean().nullish(),
});

export const apiKeySchema = z.object({
  id,
  short_key: z.string(),
  description: z.string().nullish(),
  created_at: optionalString,
  last_used_at: optionalString,
  expires_at: optionalString,
  workspace_names: z.array(z.string()).nullish(),
  access_scope: z.enum(["organization", "workspace"]).nullish(),
  role_id: optionalString,
  org_role_id: optionalString,
  created_by: optionalString,
});

export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().min(1) });

/** Owner fields of the org-wide PAT listing (no spec: any of them may be missing). */
export const orgPatSchema = apiKeySchema.extend({
  ls_user_id: optionalString,
  user_id: optionalString,
  email: optionalString,
  identity_id: optionalString,
  org_identity_id: optionalString,
});

export const serviceAccountSchema = z.object({
  id,
  name: z.string(),
  created_at: optionalString,
  default_workspace_id: optionalString,
});

/** Any JSON; for writes whose response body LangSmith leaves unspecified. */
export const anyBody = z.unknown();
