/**
 * Lays out a scenario's `account`: its VPCs and subnets, each with the zone, CIDR and free addresses
 * the scenario gives (AWS reserves five addresses of every subnet; other tenants hold the rest).
 */
import type { SimSubnet } from "./model";
import type { RegionContext } from "./world";

export function buildAccount(ctx: RegionContext): void {
  const account = ctx.scenario.account;
  if (!account) return;
  let zoneIndex = 0;
  const zoneIds = new Map<string, string>();
  for (const vpc of account.vpcs) {
    if (!ctx.world.vpcId) ctx.world.vpcId = vpc.id;
    for (const spec of vpc.subnets) {
      if (ctx.world.subnets.has(spec.id)) throw new Error(`scenario account: subnet ${spec.id} is listed twice`);
      if (!spec.zone.startsWith(ctx.regionName)) {
        throw new Error(`scenario account: subnet ${spec.id} is in ${spec.zone}, not in region ${ctx.regionName}`);
      }
      const [address = "10.0.0.0", bits = "24"] = spec.cidr.split("/");
      const size = 2 ** (32 - Number(bits)) - 5;
      if (spec.freeIps !== undefined && spec.freeIps > size) {
        throw new Error(
          `scenario account: subnet ${spec.id} (${spec.cidr}) cannot have ${spec.freeIps} free addresses; it holds ${size}`,
        );
      }
      if (!zoneIds.has(spec.zone)) zoneIds.set(spec.zone, `${zoneIdPrefix(ctx.regionName)}-az${++zoneIndex}`);
      const subnet: SimSubnet = {
        subnetId: spec.id,
        availabilityZone: spec.zone,
        availabilityZoneId: zoneIds.get(spec.zone) ?? "",
        cidrBlock: spec.cidr,
        vpcId: vpc.id,
        usableAddresses: spec.freeIps ?? size,
        baseOctet: Number(address.split(".")[2] ?? 0),
        nextHost: 10,
      };
      ctx.world.subnets.set(subnet.subnetId, subnet);
    }
  }
}

/** "us-east-1" → "use1": the prefix of AWS zone ids. */
function zoneIdPrefix(region: string): string {
  const [area = "", direction = "", number = ""] = region.split("-");
  return `${area}${direction.charAt(0)}${number}`;
}
