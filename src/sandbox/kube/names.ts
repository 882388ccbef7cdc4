/**
 * Generated names and identifiers, drawn from the run's SeededRandom so that a seed fixes every
 * name. Suffixes use the alphabet of apimachinery's rand.String / SafeEncodeString (no vowels, no
 * look-alike digits), which is why real pod names look like `web-5d59d67564-x7k2p`.
 */
import type { SeededRandom } from "../clock";
import { flat } from "../flat";

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function safeSuffix(rng: SeededRandom, length: number): string {
  return rng.chars(SAFE_ALPHABET, length);
}

/** A pod-template-hash: 9 or 10 characters, as the hashes of real ReplicaSets are. */
export function templateHash(rng: SeededRandom): string {
  return safeSuffix(rng, 9 + rng.int(2));
}

/** An RFC 4122 version-4 shaped UID. */
export function uid(rng: SeededRandom): string {
  const variant = "89ab"[rng.int(4)];
  return flat(`${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`);
}

/** An EBS volume id (`vol-` and 17 hex digits). */
export function ebsVolumeId(rng: SeededRandom): string {
  return flat(`vol-${rng.hex(17)}`);
}
