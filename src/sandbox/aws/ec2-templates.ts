/**
 * Launch template commands: DescribeLaunchTemplates, DescribeLaunchTemplateVersions (resolving
 * "$Latest", "$Default" and numbers), CreateLaunchTemplateVersion and ModifyLaunchTemplate.
 */
import type { CommandHandler } from "./autoscaling";
import { type Ec2Filter, passesFilters, tagList } from "./ec2-filters";
import { ec2Error } from "./errors";
import { type CommandInput, optionalString, stringList } from "./input";
import { addVersion, latestVersionNumber, mergeTemplateData, resolveVersion } from "./launch-templates";
import type { LaunchTemplateData, LaunchTemplateVersionRecord, SimLaunchTemplate } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

const CREATED_BY = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/tugboat-sandbox`;

export function ec2TemplateCommands(ctx: RegionContext): Record<string, CommandHandler> {
  const { world } = ctx;

  /** The template an id or name points at, or EC2's NotFound error for it. */
  const template = (input: CommandInput): SimLaunchTemplate => {
    const id = optionalString(input, "LaunchTemplateId");
    const name = optionalString(input, "LaunchTemplateName");
    if (id !== undefined) {
      const found = world.launchTemplates.get(id);
      if (!found) {
        throw ec2Error(
          "InvalidLaunchTemplateId.NotFound",
          `The specified launch template, with template ID ${id}, does not exist.`,
        );
      }
      return found;
    }
    if (name !== undefined) {
      const found = world.launchTemplateByName(name);
      if (!found) {
        throw ec2Error(
          "InvalidLaunchTemplateName.NotFoundException",
          `The specified launch template, with template name ${name}, does not exist.`,
        );
      }
      return found;
    }
    throw ec2Error("MissingParameter", "The request must contain the parameter LaunchTemplateId or LaunchTemplateName");
  };

  const version = (lt: SimLaunchTemplate, spec: string): LaunchTemplateVersionRecord => {
    const found = resolveVersion(lt, spec);
    if (!found) {
      throw ec2Error(
        "InvalidLaunchTemplateId.VersionNotFound",
        `Could not find launch template version ${spec} for launch template ${lt.id}.`,
      );
    }
    return found;
  };

  return {
    DescribeLaunchTemplates: (input) => {
      const ids = stringList(input, "LaunchTemplateIds") ?? [];
      const names = stringList(input, "LaunchTemplateNames") ?? [];
      for (const id of ids) template({ LaunchTemplateId: id });
      for (const name of names) template({ LaunchTemplateName: name });
      const filters = input.Filters as Ec2Filter[] | undefined;
      const templates = [...world.launchTemplates.values()]
        .filter((lt) => (ids.length === 0 && names.length === 0) || ids.includes(lt.id) || names.includes(lt.name))
        .filter((lt) =>
          passesFilters(
            filters,
            ["launch-template-name", "launch-template-id"],
            { "launch-template-name": lt.name, "launch-template-id": lt.id },
            lt.tags,
          ),
        )
        .sort((a, b) => a.name.localeCompare(b.name));
      return { LaunchTemplates: templates.map(templateShape) };
    },

    DescribeLaunchTemplateVersions: (input) => {
      const lt = template(input);
      const requested = stringList(input, "Versions") ?? [];
      let versions: LaunchTemplateVersionRecord[];
      if (requested.length > 0) {
        versions = requested.map((spec) => version(lt, spec));
      } else {
        const min = Number(optionalString(input, "MinVersion") ?? 1);
        const max = Number(optionalString(input, "MaxVersion") ?? latestVersionNumber(lt));
        versions = lt.versions
          .filter((v) => v.versionNumber >= min && v.versionNumber <= max)
          .sort((a, b) => b.versionNumber - a.versionNumber);
      }
      return { LaunchTemplateVersions: versions.map((v) => versionShape(lt, v)) };
    },

    CreateLaunchTemplateVersion: (input) => {
      const lt = template(input);
      if (typeof input.LaunchTemplateData !== "object" || input.LaunchTemplateData === null) {
        throw ec2Error("MissingParameter", "The request must contain the parameter LaunchTemplateData");
      }
      const sourceSpec = optionalString(input, "SourceVersion");
      const source = sourceSpec === undefined ? undefined : version(lt, sourceSpec);
      const data = mergeTemplateData(source?.data, input.LaunchTemplateData as LaunchTemplateData);
      const record = addVersion(lt, data, ctx.clock.nowMs(), CREATED_BY, optionalString(input, "VersionDescription"));
      return { LaunchTemplateVersion: versionShape(lt, record) };
    },

    ModifyLaunchTemplate: (input) => {
      const lt = template(input);
      const spec = optionalString(input, "DefaultVersion");
      if (spec !== undefined) lt.defaultVersion = version(lt, spec).versionNumber;
      return { LaunchTemplate: templateShape(lt) };
    },
  };
}

function templateShape(lt: SimLaunchTemplate) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    CreateTime: new Date(lt.createdMs),
    CreatedBy: lt.createdBy,
    DefaultVersionNumber: lt.defaultVersion,
    LatestVersionNumber: latestVersionNumber(lt),
    Tags: tagList(lt.tags),
  };
}

function versionShape(lt: SimLaunchTemplate, record: LaunchTemplateVersionRecord) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    VersionNumber: record.versionNumber,
    VersionDescription: record.description,
    CreateTime: new Date(record.createdMs),
    CreatedBy: record.createdBy,
    DefaultVersion: record.versionNumber === lt.defaultVersion,
    LaunchTemplateData: structuredClone(record.data),
  };
}
