// Writes the JSON schema of one version of a CustomResourceDefinition (its openAPIV3Schema, unchanged) for
// validate-custom-resources.mjs, for a kind no @kubernetes-models package has. The file says where it came from
// ($comment) and which kind it describes (x-kubernetes-group-version-kind, as in Kubernetes' own OpenAPI documents).
//
//   node extract-crd-schema.mjs <crd.yaml> <version> "<source: project, release tag, commit, path>" > schemas/<file>.json
//
// schemas/postgresql.cnpg.io_v1_Cluster.json was written by:
//   node extract-crd-schema.mjs postgresql.cnpg.io_clusters.yaml v1 "CloudNativePG v1.30.0 (Apache License 2.0; commit 4b5e244a7d031f67e025c83c1555e7726ecbbfa1), config/crd/bases/postgresql.cnpg.io_clusters.yaml"
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const [file, version, source] = process.argv.slice(2);
if (!file || !version || !source) {
  console.error('usage: node extract-crd-schema.mjs <crd.yaml> <version> "<source>"');
  process.exit(2);
}
const crd = parse(readFileSync(file, "utf8"));
if (crd?.kind !== "CustomResourceDefinition") {
  console.error(`${file}: not a CustomResourceDefinition`);
  process.exit(1);
}
const served = crd.spec.versions.find((v) => v.name === version);
if (!served?.schema?.openAPIV3Schema) {
  console.error(`${file}: no version ${version} with an openAPIV3Schema (versions: ${crd.spec.versions.map((v) => v.name)})`);
  process.exit(1);
}
const { group, names } = crd.spec;
const schema = {
  $comment: `${crd.metadata.name} ${version} (kind ${names.kind}): spec.versions[${version}].schema.openAPIV3Schema of `
    + `${source}, unchanged; written by tools/contract/extract-crd-schema.mjs. Its x-kubernetes-validations (CEL) `
    + "rules are not evaluated by validate-custom-resources.mjs.",
  "x-kubernetes-group-version-kind": [{ group, version, kind: names.kind }],
  ...served.schema.openAPIV3Schema,
};
process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
