// One-shot --delete-resource and --rotate-credentials, handed to the module of the named resource type.
// Rotation writes the new credential only to stdout, encrypted to the public JWK given by
// --rotate-credentials-public-key, as JSON shaped like Baton's RotateCredentialResponse
// ({"encryptedData": [EncryptedData…]}); the old credential is deleted only after that write was flushed.
import { create, toJson } from "@bufbuild/protobuf";
import { PublicKeyError, encryptForJwk, readPublicJwk, type PublicJwk } from "../baton/crypto/index.js";
import { EncryptedDataSchema, PlaintextDataSchema } from "../baton/gen/c1/connector/v2/encryption_pb.js";
import { resourceId } from "../baton/model.js";
import { moduleFor, RESOURCE_TYPE_REGISTRY } from "../connector/registry.js";
import type { ActionContext, ActionOutcome } from "../connector/resource-type-module.js";
import { RotationIncompleteError } from "../connector/resources/service-key-actions.js";
import { createClient, warnAboutKeyKind } from "./client-factory.js";
import { type ConnectorConfig, UsageError } from "./config.js";
import type { CliLogger } from "./logger.js";

function actionContext(cfg: ConnectorConfig, logger: CliLogger): ActionContext {
  return { client: createClient(cfg, logger), logger, signal: new AbortController().signal };
}

function typesWith(part: "resourceDeleter" | "credentialRotator"): string {
  return RESOURCE_TYPE_REGISTRY.filter((m) => m[part]).map((m) => m.resourceType.id).join(", ") || "none";
}

export async function deleteResourceCommand(cfg: ConnectorConfig, logger: CliLogger): Promise<ActionOutcome> {
  const type = cfg.deleteResourceType!.trim();
  const deleter = moduleFor(type)?.resourceDeleter;
  if (!deleter) throw new UsageError(`--delete-resource-type ${type} cannot be deleted by this connector (deletable types: ${typesWith("resourceDeleter")})`);
  warnAboutKeyKind(cfg, logger);
  return deleter.deleteResource(actionContext(cfg, logger), resourceId(type, cfg.deleteResource!.trim()));
}

/** Writes and waits until the stream has handed the bytes to the OS (a pipe or file), or fails. */
function writeFlushed(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export async function rotateCredentialsCommand(cfg: ConnectorConfig, logger: CliLogger, out: NodeJS.WritableStream = process.stdout): Promise<ActionOutcome> {
  const type = cfg.rotateCredentialsType!.trim();
  const rotator = moduleFor(type)?.credentialRotator;
  if (!rotator) throw new UsageError(`--rotate-credentials-type ${type} has no credential this connector can rotate (rotatable types: ${typesWith("credentialRotator")})`);
  // The key is checked before anything changes in LangSmith.
  let publicKey: PublicJwk;
  try {
    publicKey = readPublicJwk(cfg.rotateCredentialsPublicKey!, "--rotate-credentials-public-key");
  } catch (err) {
    if (err instanceof PublicKeyError) throw new UsageError(err.message);
    throw err;
  }
  warnAboutKeyKind(cfg, logger);
  const outcome = await rotator.rotateCredential(actionContext(cfg, logger), resourceId(type, cfg.rotateCredentials!.trim()));
  try {
    const encrypted = [];
    for (const p of outcome.plaintexts) {
      const plaintext = create(PlaintextDataSchema, { name: p.name, description: p.description ?? "", schema: p.schema ?? "", bytes: p.bytes });
      encrypted.push(toJson(EncryptedDataSchema, await encryptForJwk(plaintext, publicKey)));
      p.bytes.fill(0);
    }
    await writeFlushed(out, `${JSON.stringify({ encryptedData: encrypted })}\n`);
  } catch (err) {
    throw new RotationIncompleteError(
      `${outcome.message}, but handing the new credential over failed (${(err as Error).message}); nothing was deleted: the old credential still works, and the new one should be deleted since its secret is lost`,
    );
  }
  return outcome.afterHandover ? outcome.afterHandover() : outcome;
}
