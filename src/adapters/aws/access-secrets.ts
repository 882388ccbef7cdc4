/**
 * Secrets Manager deletes of a self-managed cluster's access secrets, without a recovery window: a secret
 * scheduled for deletion keeps its name (7 to 30 days, 30 by default), so a cluster created again under
 * the same name could neither read nor publish its own. Forced deletion of a secret already gone succeeds.
 */
import { DeleteSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { AccessSecretsPort } from "../../core/create/self-managed/ports";
import { isNotFound, toStepError } from "./classify";

export class AccessSecretsAdapter implements AccessSecretsPort {
  constructor(private readonly secrets: SecretsManagerClient) {}

  async deleteSecret(name: string): Promise<void> {
    try {
      await this.secrets.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw toStepError(err, `deleting secret ${name}`);
    }
  }
}
