// Validates every KEDA ScaledObject in rendered manifests (helm template output, multi-document YAML) against KEDA's
// schema: the @kubernetes-models/keda model, generated from KEDA's API types (the source of its CRDs), and its
// validate(). Types, required fields and the apiVersion are checked; like the API server's structural schema, it does
// not refuse a field it does not know (the API server would prune it): HelmChartKedaTests pins the fields the chart
// writes.
//
//   node validate-keda.mjs [file ...]        no file, or "-": standard input
//   helm template orders ../../helm/order-service --api-versions keda.sh/v1alpha1 ... | node validate-keda.mjs
//
// Prints one line per ScaledObject. Exit 0: every ScaledObject is valid. Exit 1: one is not, or there is none (a
// render without it checks nothing), or the input is not YAML. Exit 2: a file cannot be read.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";

function read(source) {
  try {
    return { source, text: readFileSync(source === "-" ? 0 : source, "utf8") };
  } catch (e) {
    console.error(`${source}: cannot be read: ${e.message}`);
    process.exit(2);
  }
}

const inputs = (process.argv.length > 2 ? process.argv.slice(2) : ["-"]).map(read);
let found = 0;
let invalid = 0;
for (const { source, text } of inputs) {
  const where = source === "-" ? "stdin" : source;
  for (const [index, document] of parseAllDocuments(text).entries()) {
    if (document.errors.length > 0) {
      console.error(`${where}, document ${index + 1}: not YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      invalid++;
      continue;
    }
    const object = document.toJS();
    if (object === null || typeof object !== "object" || object.kind !== "ScaledObject") {
      continue;
    }
    found++;
    const name = `ScaledObject/${object.metadata?.name ?? "(no name)"}`;
    try {
      new ScaledObject(object).validate();
      console.log(`${name}: valid`);
    } catch (e) {
      invalid++;
      const errors = Array.isArray(e.errors) && e.errors.length > 0
        ? e.errors.map((error) => `${error.instancePath || "/"} ${error.message}`)
        : [e.message];
      console.error(`${name} (${where}, document ${index + 1}): not a valid ScaledObject:`);
      errors.forEach((error) => console.error(`  ${error}`));
    }
  }
}
if (found === 0) {
  console.error("no ScaledObject found: nothing was validated (was keda.enabled set?)");
  process.exit(1);
}
process.exit(invalid > 0 ? 1 : 0);
