// Validates every KEDA ScaledObject in rendered manifests (helm template output, multi-document YAML) against KEDA's
// schema (the @kubernetes-models/keda model): validate-custom-resources.mjs, which checks every custom resource it has
// a model or schema for, expecting a ScaledObject. HelmChartKedaTests runs it.
//
//   node validate-keda.mjs [file ...]        no file, or "-": standard input
//   helm template orders ../../helm/order-service --api-versions keda.sh/v1alpha1 ... | node validate-keda.mjs
//
// Exit 0: every ScaledObject (and any other custom resource checked) is valid. Exit 1: one is not, or there is no
// ScaledObject (a render without it checks nothing), or the input is not YAML. Exit 2: a file cannot be read.
import { main } from "./validate-custom-resources.mjs";

process.exit(await main(["--expect", "ScaledObject", ...process.argv.slice(2)]));
