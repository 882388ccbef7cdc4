/**
 * Identifiers in AWS's formats (i-, ami-, lt-, subnet- and 17 hex digits; version-4 UUIDs), drawn
 * from seeded random streams. Each concern draws from its own stream, forked once from the run's
 * SeededRandom, so that, say, how many calls were throttled never shifts which instance ids a seed
 * produces.
 */
import { SeededRandom } from "../clock";
import { flat } from "../flat";

/** A new independent stream seeded from `parent` (consumes one draw of the parent). */
export function forkRandom(parent: SeededRandom): SeededRandom {
  return new SeededRandom(Math.floor(parent.next() * 0x1_0000_0000));
}

/** FNV-1a: a stable 32-bit hash, to derive a stream from a name without touching a shared stream. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A version-4 shaped UUID from `rng`. */
export function uuidFrom(rng: SeededRandom): string {
  const variant = "89ab"[rng.int(4)];
  return flat(`${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`);
}

export class IdFactory {
  private readonly issued = new Set<string>();

  constructor(private readonly rng: SeededRandom) {}

  /** `prefix-` and `length` hex digits, never the same twice in a run. */
  resourceId(prefix: string, length = 17): string {
    for (;;) {
      const id = flat(`${prefix}-${this.rng.hex(length)}`);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  instanceId(): string {
    return this.resourceId("i");
  }

  uuid(): string {
    for (;;) {
      const id = uuidFrom(this.rng);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** Upper-case hex, as in EKS endpoint hostnames and OIDC issuer ids. */
  upperHex(length: number): string {
    return this.rng.hex(length).toUpperCase();
  }
}
