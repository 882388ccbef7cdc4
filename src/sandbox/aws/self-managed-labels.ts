/** The labels kubeadm gives the nodes of a launch template: control-plane nodes for init and join --control-plane. */
import { CONTROL_PLANE_ROLE_LABEL } from "../kube/control-plane";
import type { SimLaunchTemplate } from "./model";
import { parseKubeadmUserData } from "./self-managed-kubeadm";
import type { RegionContext } from "./world";

export function kubeadmNodeLabels(_ctx: RegionContext, template: SimLaunchTemplate): Record<string, string> {
  const data = template.versions.find((v) => v.versionNumber === template.defaultVersion)?.data;
  const userData = typeof data?.UserData === "string" ? Buffer.from(data.UserData, "base64").toString("utf8") : "";
  const parsed = parseKubeadmUserData(userData);
  return typeof parsed === "object" && parsed.role !== "join-worker" ? { [CONTROL_PLANE_ROLE_LABEL]: "" } : {};
}
