{{/* Chart name, or nameOverride. */}}
{{- define "order-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Name of every object of a release: fullnameOverride, else the release name when it already contains the chart's
name, else <release>-<name>. Two releases in one namespace never share a name. 63 characters at most (DNS label).
*/}}
{{- define "order-service.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* helm.sh/chart: name-version, '+' is not allowed in a label value. */}}
{{- define "order-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. The version labels change on upgrade: they are never used in a selector. */}}
{{- define "order-service.labels" -}}
helm.sh/chart: {{ include "order-service.chart" . }}
{{ include "order-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: shop
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
Selector labels: only name and instance, which never change for a release. A Deployment's spec.selector is
immutable; a version in it would make every upgrade fail.
*/}}
{{- define "order-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "order-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of the helm test Pod: not selected by the Service, the Deployment or the PDB (no name label). */}}
{{- define "order-service.testLabels" -}}
helm.sh/chart: {{ include "order-service.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* What the NetworkPolicy admits the helm test Pod by: labels that do not change with the chart's version. */}}
{{- define "order-service.testSelectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end -}}

{{- define "order-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "order-service.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "order-service.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The Prometheus operator's API (ServiceMonitor, PrometheusRule) is there: the cluster serves it, or apiVersions
names it (for helm template without a cluster, like --api-versions). Without it, those objects would make the
whole install fail, so they are left out.
*/}}
{{- define "order-service.hasMonitoringApi" -}}
{{- if or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") (has "monitoring.coreos.com/v1" .Values.apiVersions) -}}true{{- end -}}
{{- end -}}

{{/* Pods the chart lets run outside a rollout: maxReplicas with the autoscaler, else replicaCount. */}}
{{- define "order-service.maxPods" -}}
{{- if .Values.autoscaling.enabled -}}{{- .Values.autoscaling.maxReplicas | int -}}{{- else -}}{{- .Values.replicaCount | int -}}{{- end -}}
{{- end -}}

{{/*
A rollout's maxSurge or maxUnavailable as a number of pods, as Kubernetes resolves it: an absolute number as is,
a percentage of the pods rounded up for maxSurge and down for maxUnavailable.
Call with (list <value> <pods> <roundUp>).
*/}}
{{- define "order-service.resolvePods" -}}
{{- $value := index . 0 -}}{{- $pods := index . 1 | int -}}{{- $up := index . 2 -}}
{{- if and (kindIs "string" $value) (hasSuffix "%" $value) -}}
{{- $percent := trimSuffix "%" $value | int -}}
{{- if $up -}}{{- div (add (mul $pods $percent) 99) 100 -}}{{- else -}}{{- div (mul $pods $percent) 100 -}}{{- end -}}
{{- else -}}
{{- $value | int -}}
{{- end -}}
{{- end -}}

{{/*
The capacity guard: every pod may open database.pool.maxSize connections, so the most pods that can run at once
times the pool must fit what PostgreSQL allows minus a reserve. The most pods is not maxReplicas: a rollout adds
up to maxSurge new pods before old ones stop, so it counts (maxReplicas + maxSurge). And a pod being replaced keeps
its pool until it has stopped while its replacement opens minSize connections at start: maxReplicas full pools
plus (maxSurge + maxUnavailable) x minSize must fit too (pools opened up front, minSize = maxSize, fill the budget
fastest). Raising the pool by redeploying during an incident is how 2025-06-05 went; this refuses the arithmetic
that cannot work.
*/}}
{{- define "order-service.capacityGuard" -}}
{{- $pods := include "order-service.maxPods" . | int -}}
{{- $surge := include "order-service.resolvePods" (list .Values.rollout.maxSurge $pods true) | int -}}
{{- $pool := .Values.database.pool.maxSize | int -}}
{{- $max := .Values.database.maxConnections | int -}}
{{- $reserved := .Values.database.reservedConnections | int -}}
{{- $budget := sub $max $reserved | int -}}
{{- $what := ternary "autoscaling.maxReplicas" "replicaCount" .Values.autoscaling.enabled -}}
{{- if gt (mul $pods $pool | int) $budget -}}
{{- fail (printf "capacity guard: %d pods x database.pool.maxSize %d = %d connections, over the database budget of %d (database.maxConnections %d - database.reservedConnections %d). Lower %s or database.pool.maxSize, or raise database.maxConnections after raising max_connections in PostgreSQL." $pods $pool (mul $pods $pool | int) $budget $max $reserved $what) -}}
{{- end -}}
{{- if gt (mul (add $pods $surge) $pool | int) $budget -}}
{{- fail (printf "capacity guard: a rollout runs %d pods + rollout.maxSurge %v (%d more) = %d pods x database.pool.maxSize %d = %d connections, over the database budget of %d (database.maxConnections %d - database.reservedConnections %d). Set rollout.maxSurge 0 (rollout.maxUnavailable 1 replaces pods one at a time), or lower %s or database.pool.maxSize." $pods .Values.rollout.maxSurge $surge (add $pods $surge | int) $pool (mul (add $pods $surge) $pool | int) $budget $max $reserved $what) -}}
{{- end -}}
{{- $unavailable := include "order-service.resolvePods" (list .Values.rollout.maxUnavailable $pods false) | int -}}
{{- if eq (add $surge $unavailable | int) 0 -}}{{- $unavailable = 1 -}}{{- end -}}
{{- $starting := add $surge $unavailable | int -}}
{{- $minSize := .Values.database.pool.minSize | int -}}
{{- $overlap := add (mul $pods $pool) (mul $starting $minSize) | int -}}
{{- if gt $overlap $budget -}}
{{- fail (printf "capacity guard: during a rollout %d pods hold database.pool.maxSize %d (a pod being replaced keeps its connections until it has stopped) while %d new pods (rollout.maxSurge %v + rollout.maxUnavailable %v) open database.pool.minSize %d at start: %d x %d + %d x %d = %d connections, over the database budget of %d (database.maxConnections %d - database.reservedConnections %d). Lower database.pool.minSize or database.pool.maxSize, or %s." $pods $pool $starting .Values.rollout.maxSurge .Values.rollout.maxUnavailable $minSize $pods $pool $starting $minSize $overlap $budget $max $reserved $what) -}}
{{- end -}}
{{- if and (eq (toString .Values.rollout.maxSurge | trimSuffix "%" | int) 0) (eq (toString .Values.rollout.maxUnavailable | trimSuffix "%" | int) 0) -}}
{{- fail (printf "rollout.maxSurge %v and rollout.maxUnavailable %v are both 0: a rollout could never start (the API server refuses it). Set rollout.maxUnavailable to 1." .Values.rollout.maxSurge .Values.rollout.maxUnavailable) -}}
{{- end -}}
{{- if gt (.Values.database.pool.minSize | int) $pool -}}
{{- fail (printf "database.pool.minSize %d is larger than database.pool.maxSize %d" (.Values.database.pool.minSize | int) $pool) -}}
{{- end -}}
{{- end -}}

{{/*
Rules JSON Schema cannot state (it cannot compare two values): the autoscaler's range, and a PodDisruptionBudget
that leaves a voluntary disruption possible (minAvailable equal to the pods would block every node drain).
*/}}
{{- define "order-service.validate" -}}
{{- if and .Values.autoscaling.enabled (gt (.Values.autoscaling.minReplicas | int) (.Values.autoscaling.maxReplicas | int)) -}}
{{- fail (printf "autoscaling.minReplicas %d is larger than autoscaling.maxReplicas %d: the API server refuses that HorizontalPodAutoscaler" (.Values.autoscaling.minReplicas | int) (.Values.autoscaling.maxReplicas | int)) -}}
{{- end -}}
{{- if .Values.podDisruptionBudget.enabled -}}
{{- $fewest := ternary (.Values.autoscaling.minReplicas | int) (.Values.replicaCount | int) .Values.autoscaling.enabled -}}
{{- $what := ternary "autoscaling.minReplicas" "replicaCount" .Values.autoscaling.enabled -}}
{{- if ge (.Values.podDisruptionBudget.minAvailable | int) $fewest -}}
{{- fail (printf "podDisruptionBudget.minAvailable %d must be below %s %d: with %d pods and minAvailable %d no pod may ever be evicted, so node drains and cluster upgrades block" (.Values.podDisruptionBudget.minAvailable | int) $what $fewest $fewest (.Values.podDisruptionBudget.minAvailable | int)) -}}
{{- end -}}
{{- end -}}
{{- include "order-service.capacityGuard" . -}}
{{- end -}}
