// The `capabilities` and `config` subcommands, printed as Baton SDK connectors print them: protojson
// (lowerCamelCase names, enums as strings), two-space indented, no trailing newline.
import { create, createRegistry, toJsonString } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import {
  AnySchema,
  ConfigurationSchema,
  ConnectorCapabilitiesSchema,
  ConnectorMetadataSchema,
  type Field,
  FieldSchema,
  file_c1_config_v1_config,
  file_c1_connector_v2_annotations,
  file_c1_connector_v2_connector,
  file_c1_connector_v2_connector_metadata,
  file_c1_connector_v2_resource,
} from "../baton/model.js";
import { accountCreationSchema, connectorCapabilities } from "../connector/capabilities.js";
import { RESOURCE_TYPE_REGISTRY, type ResourceTypeRegistry } from "../connector/registry.js";
import { FIELDS, type FieldSpec } from "./fields.js";

const registry = createRegistry(file_c1_connector_v2_connector, file_c1_connector_v2_connector_metadata, file_c1_connector_v2_annotations, file_c1_connector_v2_resource, file_c1_config_v1_config);

/** The capabilities of the connector built from `modules` (the connector's own by default). */
export function capabilitiesJson(modules: ResourceTypeRegistry = RESOURCE_TYPE_REGISTRY): string {
  const caps = connectorCapabilities(modules);
  // Go's protojson writes "@type" first; protobuf-es writes it last. Same JSON, upstream's layout.
  const { "@type": typeUrl, ...rest } = JSON.parse(toJsonString(AnySchema, anyPack(ConnectorCapabilitiesSchema, caps), { registry })) as Record<string, unknown>;
  return JSON.stringify({ "@type": typeUrl, ...rest }, null, 2);
}

/** ConnectorMetadata as GetMetadata would answer it: capabilities and the account-creation form. */
export function metadataJson(modules: ResourceTypeRegistry = RESOURCE_TYPE_REGISTRY): string {
  const meta = create(ConnectorMetadataSchema, {
    displayName: "LangSmith",
    helpUrl: "https://github.com/conductorone/baton-langsmith",
    description: "LangSmith organization members, invitations, workspaces and roles",
    capabilities: connectorCapabilities(modules),
    accountCreationSchema: accountCreationSchema(modules),
  });
  return toJsonString(ConnectorMetadataSchema, meta, { registry, prettySpaces: 2 });
}

export function configSchemaJson(): string {
  // Baton lists the exported default (ops) fields first, then the connector's own.
  const exported = [...FIELDS.filter((f) => f.ops), ...FIELDS.filter((f) => f.connector)];
  const conf = create(ConfigurationSchema, {
    displayName: "LangSmith",
    helpUrl: "https://github.com/conductorone/baton-langsmith",
    fields: exported.map(toField),
  });
  return toJsonString(ConfigurationSchema, conf, { registry, prettySpaces: 2 });
}

function toField(f: FieldSpec): Field {
  const base = {
    name: f.name,
    displayName: f.displayName,
    description: f.description,
    placeholder: f.placeholder ?? "",
    isRequired: !!f.required,
    isOps: !!f.ops,
    isSecret: !!f.secret,
  };
  if (f.type === "int") {
    return create(FieldSchema, { ...base, field: { case: "intField", value: { defaultValue: BigInt(Number(f.default ?? 0)), rules: { gte: f.min !== undefined ? BigInt(f.min) : undefined, lte: f.max !== undefined ? BigInt(f.max) : undefined } } } });
  }
  if (f.type === "bool") return create(FieldSchema, { ...base, field: { case: "boolField", value: { defaultValue: f.default === true } } });
  return create(FieldSchema, {
    ...base,
    field: {
      case: "stringField",
      value: { defaultValue: f.default !== undefined ? String(f.default) : "", rules: f.required ? { isRequired: true } : undefined },
    },
  });
}
