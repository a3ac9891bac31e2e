// Validates the custom resources in Kubernetes manifests (helm template output, the chart's examples: multi-document
// YAML) against their own projects' schemas:
//
// - every kind of an API group that a @kubernetes-models package of package.json models, with that model's validate()
//   (generated from the project's CRDs or API types): keda.sh (ScaledObject), gateway.networking.k8s.io (HTTPRoute,
//   Gateway), external-secrets.io (ExternalSecret, ClusterSecretStore), cert-manager.io (Certificate),
//   monitoring.coreos.com (ServiceMonitor, PrometheusRule)...;
// - every kind with a schema in schemas/ (a CRD's openAPIV3Schema, see extract-crd-schema.mjs), with ajv: the
//   CloudNativePG Cluster, for which no model is published. Its metadata is checked as the models check theirs.
//
// Types, required fields, enums, patterns and the apiVersion are checked, and every object must have a name. A field
// its schema does not have is refused by kubectl (strict field validation, its default) and dropped by the API server
// for other clients: a schemas/ kind refuses it here too (unless its schema keeps unknown fields,
// x-kubernetes-preserve-unknown-fields). The models cannot tell, so a misspelt field of a modelled kind passes here:
// HelmChartKedaTests pins the fields of the chart's ScaledObject, and the chart's tests read Gateway API objects
// (HTTPRoute, Gateway) strictly against fabric8's models. Neither evaluates a CRD's CEL rules
// (x-kubernetes-validations) nor what an operator's admission webhook checks.
//
//   node validate-custom-resources.mjs [--expect Kind[,Kind...]]... [file ...]     no file, or "-": standard input
//   helm template orders ../../helm/order-service -f ../../helm/order-service/examples/values-gateway-api.yaml \
//     --api-versions gateway.networking.k8s.io/v1 | node validate-custom-resources.mjs --expect HTTPRoute
//
// Prints one line per object: "Kind/name: valid", its errors under "Kind/name (where): not a valid Kind:", or
// "Kind/name (apiVersion): not checked here (why)" for built-in Kubernetes kinds (the chart's tests read those
// strictly against the Kubernetes API models) and kinds of no model or schema here; then a summary.
// Exit 0: every object checked is valid and every --expect kind was checked. Exit 1: an object is not valid, an
// expected kind was not checked (absent, or of an apiVersion no model or schema here has), or the input is not YAML.
// Exit 2: a file cannot be read, or the arguments are wrong.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";

const HERE = dirname(fileURLToPath(import.meta.url));

/** API groups Kubernetes itself serves ("" is the core group, apiVersion v1). */
const BUILT_IN_GROUPS = new Set(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
  "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
  "node.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
  "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "events.k8s.io",
  "authentication.k8s.io", "authorization.k8s.io", "storagemigration.k8s.io", "internal.apiserver.k8s.io"]);

/** What the API server takes as the name of a custom resource. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** "group/version" -> the @kubernetes-models package (of package.json) that models it. */
function modelPackages() {
  const { devDependencies = {}, dependencies = {} } = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8"));
  const byGroupVersion = new Map();
  for (const name of Object.keys({ ...dependencies, ...devDependencies })) {
    if (!name.startsWith("@kubernetes-models/")) {
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(HERE, "node_modules", name, "package.json"), "utf8"));
    for (const path of Object.keys(manifest.exports ?? {})) {
      const match = /^\.\/([^/]+\.[^/]+)\/(v[0-9a-z]+)\/\*$/.exec(path);
      if (match) {
        byGroupVersion.set(`${match[1]}/${match[2]}`, name);
      }
    }
  }
  return byGroupVersion;
}

/** "apiVersion/kind" -> the JSON schema of schemas/*.json that describes it (x-kubernetes-group-version-kind). */
function schemaFiles() {
  const byKind = new Map();
  for (const file of readdirSync(join(HERE, "schemas")).filter((f) => f.endsWith(".json")).sort()) {
    const schema = JSON.parse(readFileSync(join(HERE, "schemas", file), "utf8"));
    for (const { group, version, kind } of schema["x-kubernetes-group-version-kind"] ?? []) {
      byKind.set(`${group ? `${group}/` : ""}${version}/${kind}`, { file, schema });
    }
  }
  return byKind;
}

/**
 * A CRD schema made to refuse unknown fields: every object with properties that neither declares
 * additionalProperties nor keeps unknown fields gets additionalProperties false (the API server prunes, or with
 * strict field validation refuses, what such a schema does not list). Returns a copy.
 */
function closed(schema) {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    return schema;
  }
  const copy = { ...schema };
  for (const key of ["properties", "patternProperties"]) {
    if (copy[key]) {
      copy[key] = Object.fromEntries(Object.entries(copy[key]).map(([name, s]) => [name, closed(s)]));
    }
  }
  for (const key of ["items", "additionalProperties", "not"]) {
    if (copy[key] && typeof copy[key] === "object") {
      copy[key] = closed(copy[key]);
    }
  }
  for (const key of ["anyOf", "allOf", "oneOf"]) {
    if (Array.isArray(copy[key])) {
      copy[key] = copy[key].map(closed);
    }
  }
  if (copy.properties && copy.additionalProperties === undefined
      && copy["x-kubernetes-preserve-unknown-fields"] !== true) {
    if (copy["x-kubernetes-embedded-resource"]) {
      copy.properties = { apiVersion: {}, kind: {}, metadata: {}, ...copy.properties };
    }
    copy.additionalProperties = false;
  }
  return copy;
}

function newAjv() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  // Kubernetes' OpenAPI extensions: list and map semantics, int-or-string (spelled out as anyOf beside it), CEL
  // rules (not evaluated here) and the kind a schema describes.
  ajv.addVocabulary(["x-kubernetes-int-or-string", "x-kubernetes-list-map-keys", "x-kubernetes-list-type",
    "x-kubernetes-map-type", "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource", "x-kubernetes-group-version-kind"]);
  ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n) => Number.isSafeInteger(n) });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  return ajv;
}

function message(error, prefix = "") {
  const path = prefix + error.instancePath || "/";
  if (error.keyword === "additionalProperties") {
    return `${path} has a field the schema does not know: ${error.params.additionalProperty}`;
  }
  if (error.keyword === "enum" && Array.isArray(error.params?.allowedValues)) {
    return `${path} ${error.message}: ${error.params.allowedValues.join(", ")}`;
  }
  return `${path} ${error.message}`;
}

function errorsOf(e, prefix = "") {
  return Array.isArray(e.errors) && e.errors.length > 0 ? e.errors.map((error) => message(error, prefix)) : [e.message];
}

/** Validators by "apiVersion/kind", made on first use; null where nothing here can check that kind. */
class Validators {
  constructor() {
    this.models = modelPackages();
    this.schemas = schemaFiles();
    this.cache = new Map();
    this.ajv = null;
  }

  async of(apiVersion, kind) {
    const key = `${apiVersion}/${kind}`;
    if (!this.cache.has(key)) {
      this.cache.set(key, await this.make(apiVersion, kind));
    }
    return this.cache.get(key);
  }

  async make(apiVersion, kind) {
    const found = this.schemas.get(`${apiVersion}/${kind}`);
    if (found) {
      this.ajv ??= newAjv();
      const validate = this.ajv.compile(closed(found.schema));
      return {
        by: `schemas/${found.file}`,
        check(object) {
          const errors = [];
          if (!validate(object)) {
            errors.push(...validate.errors.map((error) => message(error)));
          }
          try {
            new ObjectMeta(object.metadata ?? {}).validate();
          } catch (e) {
            errors.push(...errorsOf(e, "/metadata"));
          }
          return errors;
        },
      };
    }
    const pkg = this.models.get(apiVersion);
    if (!pkg || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      return null;
    }
    let Model;
    try {
      Model = (await import(`${pkg}/${apiVersion}/${kind}`))[kind];
    } catch {
      return null;
    }
    // Only a top-level kind of that apiVersion: the packages also export the types of the fields (CertificateSpec).
    if (typeof Model !== "function" || Model.apiVersion !== apiVersion || Model.kind !== kind) {
      return null;
    }
    return {
      by: pkg,
      check(object) {
        try {
          new Model(object).validate();
          return [];
        } catch (e) {
          return errorsOf(e);
        }
      },
    };
  }
}

function parseArguments(args) {
  const expected = new Set();
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--expect" && i + 1 < args.length) {
      args[++i].split(",").filter(Boolean).forEach((kind) => expected.add(kind));
    } else if (args[i].startsWith("--expect=")) {
      args[i].slice("--expect=".length).split(",").filter(Boolean).forEach((kind) => expected.add(kind));
    } else if (args[i].startsWith("--")) {
      console.error(`unknown option ${args[i]}; usage: node validate-custom-resources.mjs [--expect Kind[,Kind...]]... [file ...]`);
      return null;
    } else {
      files.push(args[i]);
    }
  }
  return { expected, files: files.length > 0 ? files : ["-"] };
}

/** Validates the manifests of the files (or standard input) named in args; returns the exit status. */
export async function main(args) {
  const parsed = parseArguments(args);
  if (parsed === null) {
    return 2;
  }
  const inputs = [];
  for (const source of parsed.files) {
    try {
      inputs.push({ where: source === "-" ? "stdin" : source, text: readFileSync(source === "-" ? 0 : source, "utf8") });
    } catch (e) {
      console.error(`${source}: cannot be read: ${e.message}`);
      return 2;
    }
  }
  const validators = new Validators();
  const checked = new Map();
  const notChecked = [];
  let invalid = 0;
  for (const { where, text } of inputs) {
    for (const [index, document] of parseAllDocuments(text).entries()) {
      if (document.errors.length > 0) {
        console.error(`${where}, document ${index + 1}: not YAML: ${document.errors.map((e) => e.message).join("; ")}`);
        invalid++;
        continue;
      }
      const object = document.toJS();
      if (object === null || typeof object !== "object" || typeof object.kind !== "string") {
        continue;
      }
      const apiVersion = String(object.apiVersion ?? "");
      const name = `${object.kind}/${object.metadata?.name ?? "(no name)"}`;
      const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
      const validator = BUILT_IN_GROUPS.has(group) ? null : await validators.of(apiVersion, object.kind);
      if (validator === null) {
        const why = BUILT_IN_GROUPS.has(group) ? "a built-in Kubernetes kind" : "no model or schema here for it";
        console.log(`${name} (${apiVersion || "no apiVersion"}): not checked here (${why})`);
        notChecked.push({ kind: object.kind, apiVersion, builtIn: BUILT_IN_GROUPS.has(group) });
        continue;
      }
      const errors = validator.check(object);
      if (!object.metadata?.name && !object.metadata?.generateName) {
        errors.push("/metadata must have required property name");
      } else if (typeof object.metadata.name === "string" && !DNS_SUBDOMAIN.test(object.metadata.name)) {
        errors.push("/metadata/name must be a DNS subdomain: lowercase letters, digits, '-' and '.', 253 at most");
      }
      checked.set(object.kind, (checked.get(object.kind) ?? 0) + 1);
      if (errors.length === 0) {
        console.log(`${name}: valid`);
      } else {
        invalid++;
        console.error(`${name} (${where}, document ${index + 1}): not a valid ${object.kind} (${validator.by}):`);
        [...new Set(errors)].forEach((error) => console.error(`  ${error}`));
      }
    }
  }
  let missing = 0;
  for (const kind of parsed.expected) {
    if (!checked.has(kind)) {
      missing++;
      const seen = notChecked.filter((o) => o.kind === kind).map((o) => o.apiVersion);
      console.error(seen.length > 0
        ? `${kind} found (${[...new Set(seen)].join(", ")}) but not checked: no model or schema here for that apiVersion`
        : `no ${kind} found: nothing of that kind was validated`);
    }
  }
  const kinds = (list) => [...new Set(list)].sort().join(", ");
  const total = [...checked.values()].reduce((a, b) => a + b, 0);
  const custom = notChecked.filter((o) => !o.builtIn);
  console.log(`checked: ${total} (${total > 0 ? kinds([...checked.keys()]) : "none"}), ${invalid} not valid; `
    + `not checked here: ${notChecked.length - custom.length} of built-in kinds`
    + (custom.length > 0 ? `, ${custom.length} of kinds with no model or schema here (${kinds(custom.map((o) => o.kind))})` : ""));
  return invalid > 0 || missing > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main(process.argv.slice(2)));
}
