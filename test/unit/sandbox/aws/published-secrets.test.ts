/** DeleteSecret on secrets published during a run, as Secrets Manager answers it. */
import { DeleteSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario } from "./fakes";

const NAME = "tugboat/edge/etcd";

describe("secrets published during a run", () => {
  it("deletes one at once without a recovery window, so the name can be published again under a new ARN", async () => {
    const h = harness(simpleScenario({}));
    const first = h.region.addSecret(NAME, () => '{"endpoints":["http://a"]}');
    const deleted = await h.secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));
    expect(deleted).toMatchObject({ ARN: first, Name: NAME });
    const gone = await rejection(h.secrets.send(new GetSecretValueCommand({ SecretId: NAME })));
    expect(gone.name).toBe("ResourceNotFoundException");
    // Forcing the deletion of a secret that does not exist succeeds, as in Secrets Manager.
    await h.secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));

    const second = h.region.addSecret(NAME, () => '{"endpoints":["http://b"]}');
    expect(second).not.toBe(first);
    const read = await h.secrets.send(new GetSecretValueCommand({ SecretId: NAME }));
    expect(read.SecretString).toContain("http://b");
  });

  it("only schedules the deletion by default: the name stays taken and unreadable for 30 days", async () => {
    const h = harness(simpleScenario({}));
    h.region.addSecret(NAME, () => "{}");
    const scheduled = await h.secrets.send(new DeleteSecretCommand({ SecretId: NAME }));
    expect(scheduled.DeletionDate?.getTime()).toBe(h.clock.nowMs() + 30 * 24 * 3600 * 1000);
    const read = await rejection(h.secrets.send(new GetSecretValueCommand({ SecretId: NAME })));
    expect(read.name).toBe("InvalidRequestException");
    expect(() => h.region.addSecret(NAME, () => "{}")).toThrow(/marked for deletion/);
    h.clock.advanceBy(30 * 24 * 3600);
    h.region.addSecret(NAME, () => '{"endpoints":[]}');
    expect((await h.secrets.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString).toBe('{"endpoints":[]}');
  });

  it("refuses a recovery window with ForceDeleteWithoutRecovery, or one outside 7 to 30 days, and an unknown secret", async () => {
    const h = harness(simpleScenario({}));
    h.region.addSecret(NAME, () => "{}");
    const both = await rejection(
      h.secrets.send(
        new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }),
      ),
    );
    expect(both.name).toBe("InvalidParameterException");
    const short = await rejection(h.secrets.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 3 })));
    expect(short.name).toBe("InvalidParameterException");
    const unknown = await rejection(h.secrets.send(new DeleteSecretCommand({ SecretId: "tugboat/other/etcd" })));
    expect(unknown.name).toBe("ResourceNotFoundException");
  });
});
