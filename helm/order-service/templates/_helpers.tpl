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
app.kubernetes.io/version: {{ include "order-service.version" . | quote }}
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

{{/*
The runtime configuration, as environment variables: the ConfigMap's data, and the migration Job's env (a pre-install
hook runs before the ConfigMap exists). Written once so the two cannot drift.
*/}}
{{- define "order-service.config" -}}
DB_URL: {{ .Values.database.url | quote }}
QUARKUS_DATASOURCE_JDBC_MAX_SIZE: {{ .Values.database.pool.maxSize | quote }}
QUARKUS_DATASOURCE_JDBC_MIN_SIZE: {{ .Values.database.pool.minSize | quote }}
QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT: {{ .Values.database.pool.acquisitionTimeout | quote }}
{{- with .Values.database.readReplica }}
{{- if .url }}
DB_REPLICA_URL: {{ .url | quote }}
DB_REPLICA_POOL_MAX: {{ .poolMaxSize | default 10 | quote }}
DB_REPLICA_MAX_LAG: {{ .maxLag | default "PT2S" | quote }}
{{- end }}
{{- end }}
REDIS_URL: {{ .Values.redis.url | quote }}
MESSAGING_EXCHANGE: {{ .Values.events.exchange | quote }}
JWT_ISSUER: {{ .Values.jwt.issuer | quote }}
JWT_PUBLIC_KEY_LOCATION: {{ .Values.jwt.publicKeyLocation | quote }}
JWT_AUDIENCE: {{ .Values.jwt.audience | quote }}
STOREFRONT_ORIGINS: {{ .Values.storefrontOrigins | quote }}
# The image's AOT cache (Dockerfile.jvm): mapped, or the image's own JDK_JAVA_OPTIONS emptied
JDK_JAVA_OPTIONS: {{ ternary "-XX:AOTCache=/deployments/app.aot" "" (.Values.jvm.aotCache | default false) | quote }}
# Graceful drain on SIGTERM: readiness DOWN while the pod keeps serving, then in-flight requests get the timeout.
QUARKUS_SHUTDOWN_DELAY: {{ printf "%ds" (.Values.shutdown.delaySeconds | int) | quote }}
QUARKUS_SHUTDOWN_TIMEOUT: {{ printf "%ds" (.Values.shutdown.timeoutSeconds | int) | quote }}
{{- range $name, $value := .Values.extraConfig }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Pod Security "restricted": the pods' securityContext (the Deployment's and the migration Job's). */}}
{{- define "order-service.podSecurityContext" -}}
runAsNonRoot: true
{{- /* a null in the user's values removes the key (Helm), so a missing key is the platform's choice too */}}
{{- range $field := list "runAsUser" "runAsGroup" "fsGroup" }}
{{- if and (hasKey $.Values.podSecurity $field) (not (kindIs "invalid" (index $.Values.podSecurity $field))) }}
{{ $field }}: {{ index $.Values.podSecurity $field | int }}
{{- end }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod Security "restricted": the containers' securityContext (the Deployment's and the migration Job's). */}}
{{- define "order-service.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Labels of the migration Job and its pod: not selected by the Service, the Deployment, the PDB or the NetworkPolicy
(no name label), so no traffic is sent to it and no budget counts it.
*/}}
{{- define "order-service.migrationLabels" -}}
helm.sh/chart: {{ include "order-service.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "order-service.version" . | quote }}
app.kubernetes.io/component: migrations
app.kubernetes.io/part-of: shop
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The migration Job's ServiceAccount. A pre-install hook runs before the release's objects exist: a ServiceAccount the
chart creates is not there yet, and a pod naming a missing one is refused. So the Job runs under the chart's
ServiceAccount once it exists (later upgrades), else under the namespace's "default"; one the chart does not create
(serviceAccount.create false) exists beforehand and is always used. The migration calls no Kubernetes API and mounts
no token, and imagePullSecrets are on the pod itself: only annotations of the chart's ServiceAccount (a cloud IAM
role) are missing from a first install's migration.
Call with (dict "context" $ "live" <the live ServiceAccount, or an empty dict>).
*/}}
{{- define "order-service.migrationServiceAccountName" -}}
{{- $ctx := .context -}}
{{- if or (not $ctx.Values.serviceAccount.create) .live -}}
{{- include "order-service.serviceAccountName" $ctx -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/*
The image: repository:tag, with image.digest repository:tag@digest (the runtime pulls by digest; the tag is for
people). A tag given as a digest (sha256:...) is taken as the digest.
*/}}
{{- define "order-service.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" .Values.image.repository $tag -}}
{{- else if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
The app.kubernetes.io/version label: the image tag that runs (the appVersion unless image.tag says otherwise), made
a valid label value (63 characters of [A-Za-z0-9._-], alphanumeric at both ends).
*/}}
{{- define "order-service.version" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if hasPrefix "sha256:" $tag -}}{{- $tag = .Chart.AppVersion -}}{{- end -}}
{{- regexReplaceAll "[^A-Za-z0-9._-]" $tag "_" | trunc 63 | trimAll "._-" -}}
{{- end -}}

{{/* The Secret the pods take their credentials from: database.credentialsSecret, else one per release. */}}
{{- define "order-service.credentialsSecret" -}}
{{- default (printf "%s-secrets" (include "order-service.fullname" .)) .Values.database.credentialsSecret -}}
{{- end -}}

{{/* The Service of the management port: the API's when it is a ClusterIP one, else a ClusterIP Service of its own. */}}
{{- define "order-service.managementService" -}}
{{- if eq .Values.service.type "ClusterIP" -}}
{{- include "order-service.fullname" . -}}
{{- else -}}
{{- include "order-service.fullname" . | trunc 52 | trimSuffix "-" }}-management
{{- end -}}
{{- end -}}

{{/*
Environment variables from Secrets, after the ConfigMap's and credentialsSecret's (envFrom), which they override:
events.brokerUrlSecret (RABBITMQ_URL), secretEnv, then extraEnv. The Deployment's container and the migration Job's.
*/}}
{{- define "order-service.secretEnv" -}}
{{- with .Values.events.brokerUrlSecret }}
# order events' broker from a Secret of its own
- name: RABBITMQ_URL
  valueFrom:
    secretKeyRef:
      name: {{ .name | quote }}
      key: {{ .key | quote }}
{{- end }}
{{- range $name := keys .Values.secretEnv | sortAlpha }}
{{- $ref := get $.Values.secretEnv $name }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
      {{- if hasKey $ref "optional" }}
      optional: {{ $ref.optional }}
      {{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Where pods may run: the Deployment's and the migration Job's (which leaves out affinity and spread). */}}
{{- define "order-service.nodePlacement" -}}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The pods' spread: topologySpread.constraints as given (each without a labelSelector gets the pods' selector), else
one constraint per zone and one per node, as topologySpread.zone and .node say.
*/}}
{{- define "order-service.topologySpread" -}}
{{- $selector := include "order-service.selectorLabels" . | fromYaml -}}
{{- $constraints := list -}}
{{- if .Values.topologySpread.constraints -}}
{{- range .Values.topologySpread.constraints -}}
{{- $c := deepCopy . -}}
{{- if not (hasKey $c "labelSelector") -}}{{- $_ := set $c "labelSelector" (dict "matchLabels" $selector) -}}{{- end -}}
{{- $constraints = append $constraints $c -}}
{{- end -}}
{{- else -}}
{{- range $key, $when := dict "topology.kubernetes.io/zone" .Values.topologySpread.zone "kubernetes.io/hostname" .Values.topologySpread.node -}}
{{- if $when -}}
{{- $constraints = append $constraints (dict "maxSkew" 1 "topologyKey" $key "whenUnsatisfiable" $when "labelSelector" (dict "matchLabels" $selector)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with $constraints -}}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
The Prometheus operator's API (ServiceMonitor, PrometheusRule) is there: the cluster serves it, or apiVersions
names it (for helm template without a cluster, like --api-versions). Without it, those objects would make the
whole install fail, so they are left out.
*/}}
{{- define "order-service.hasMonitoringApi" -}}
{{- if or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") (has "monitoring.coreos.com/v1" .Values.apiVersions) -}}true{{- end -}}
{{- end -}}

{{/*
KEDA's API (ScaledObject) is there: the cluster serves it, or apiVersions names it. Unlike the monitoring objects,
a ScaledObject is not left out without it: with keda.enabled the chart renders no HorizontalPodAutoscaler, so the
pods would silently stop scaling. The chart refuses instead (order-service.validate).
*/}}
{{- define "order-service.hasKedaApi" -}}
{{- if or (.Capabilities.APIVersions.Has "keda.sh/v1alpha1") (has "keda.sh/v1alpha1" .Values.apiVersions) -}}true{{- end -}}
{{- end -}}

{{/*
The scaling behaviour of the autoscaler: the chart's HorizontalPodAutoscaler's spec.behavior, and with KEDA the
ScaledObject's advanced.horizontalPodAutoscalerConfig.behavior (KEDA passes it to the HPA it creates). Written once
so both scale alike.
*/}}
{{- define "order-service.hpaBehavior" -}}
scaleUp:
  stabilizationWindowSeconds: 0
  selectPolicy: Max
  policies:
    - type: Percent
      value: 100
      periodSeconds: {{ .Values.autoscaling.scaleUp.periodSeconds }}
    - type: Pods
      value: {{ .Values.autoscaling.scaleUp.podsPerPeriod }}
      periodSeconds: {{ .Values.autoscaling.scaleUp.periodSeconds }}
scaleDown:
  stabilizationWindowSeconds: {{ .Values.autoscaling.scaleDown.stabilizationWindowSeconds }}
  policies:
    - type: Percent
      value: 50
      periodSeconds: 60
{{- end -}}

{{/*
The Deployment's spec.replicas. Without an autoscaler: replicaCount. With one (the HorizontalPodAutoscaler, or
KEDA's), it owns the count, so an upgrade must not change it, and leaving the field out is not enough: when an upgrade
turns autoscaling on, the field disappears from the manifest, Helm's three-way merge patches it away and Kubernetes
defaults it to 1 (every pod but one stops until the autoscaler acts). Writing replicaCount would be worse: every
upgrade would reset what the autoscaler chose. So the count of the live Deployment is written back as it is, and the
patch never changes it. Where nothing is found (an install, or helm template and GitOps tools, where lookup finds
nothing) the field is left out: a new Deployment starts with 1 pod and the autoscaler raises it to minReplicas within
seconds.
Call with (dict "context" $ "live" <the live Deployment, or an empty dict>).
*/}}
{{- define "order-service.replicas" -}}
{{- $ctx := .context -}}
{{- if or $ctx.Values.autoscaling.enabled $ctx.Values.keda.enabled -}}
{{- $live := dig "spec" "replicas" "" (default (dict) .live) -}}
{{- if ne (toString $live) "" -}}
replicas: {{ $live | int }}
{{- end -}}
{{- else -}}
replicas: {{ $ctx.Values.replicaCount | int }}
{{- end -}}
{{- end -}}

{{/*
Pods the chart lets run outside a rollout: maxReplicas with the autoscaler (the HorizontalPodAutoscaler's
maxReplicas, or with KEDA the ScaledObject's maxReplicaCount, which is the same value), else replicaCount.
*/}}
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

{{/* The value the most pods come from, as the capacity guard names it. */}}
{{- define "order-service.maxPodsValue" -}}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled -}}autoscaling.maxReplicas (the ScaledObject's maxReplicaCount)
{{- else if .Values.autoscaling.enabled -}}autoscaling.maxReplicas
{{- else -}}replicaCount
{{- end -}}
{{- end -}}

{{/*
The capacity guard: every pod may open database.pool.maxSize connections, so the most pods that can run at once
times the pool must fit what PostgreSQL allows minus a reserve. The most pods is not maxReplicas: a rollout adds
up to maxSurge new pods before old ones stop, so it counts (maxReplicas + maxSurge). And a pod being replaced keeps
its pool until it has stopped while its replacement opens minSize connections at start: maxReplicas full pools
plus (maxSurge + maxUnavailable) x minSize must fit too (pools opened up front, minSize = maxSize, fill the budget
fastest). A replaced pod's pool does not outlast its step: once its shutdown delay is over it closes its idle
connections and the rest as they come back (db.DrainingPool), so the next step's pods do not meet it. Raising the pool
by redeploying during an incident is how 2025-06-05 went; this refuses the arithmetic that cannot work.
*/}}
{{- define "order-service.capacityGuard" -}}
{{- $pods := include "order-service.maxPods" . | int -}}
{{- $surge := include "order-service.resolvePods" (list .Values.rollout.maxSurge $pods true) | int -}}
{{- $pool := .Values.database.pool.maxSize | int -}}
{{- $max := .Values.database.maxConnections | int -}}
{{- $reserved := .Values.database.reservedConnections | int -}}
{{- $budget := sub $max $reserved | int -}}
{{- $what := include "order-service.maxPodsValue" . -}}
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
{{- with .Values.database.readReplica -}}
{{- if .url -}}
{{- $replicaPool := .poolMaxSize | default 10 | int -}}
{{- if gt (mul (add $pods $surge) $replicaPool | int) $budget -}}
{{- fail (printf "capacity guard: a rollout runs %d pods x database.readReplica.poolMaxSize %d = %d connections to a standby, over its budget of %d (a standby's max_connections is at least the primary's database.maxConnections %d, less database.reservedConnections %d; the -ro address may send every pod to one standby). Lower database.readReplica.poolMaxSize." (add $pods $surge | int) $replicaPool (mul (add $pods $surge) $replicaPool | int) $budget $max $reserved) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if gt (.Values.database.pool.minSize | int) $pool -}}
{{- fail (printf "database.pool.minSize %d is larger than database.pool.maxSize %d" (.Values.database.pool.minSize | int) $pool) -}}
{{- end -}}
{{- end -}}

{{/*
KEDA's ScaledObject replaces the HorizontalPodAutoscaler with the same range: it needs autoscaling.enabled (its min
and max are autoscaling's), KEDA in the cluster, a ServiceMonitor for its demand trigger's query, and no scheduled
pre-scaling above autoscaling.maxReplicas (KEDA would hold the pods at maxReplicaCount without a word, fewer than
the operator asked for: the capacity guard allowed maxReplicas, not more).
*/}}
{{- define "order-service.validateKeda" -}}
{{- if .Values.keda.enabled -}}
{{- if not .Values.autoscaling.enabled -}}
{{- fail "keda.enabled needs autoscaling.enabled: the ScaledObject scales between autoscaling.minReplicas and autoscaling.maxReplicas (the capacity guard counts maxReplicas). Set autoscaling.enabled true, or keda.enabled false for a fixed replicaCount." -}}
{{- end -}}
{{- if not (include "order-service.hasKedaApi" .) -}}
{{- fail "keda.enabled: the cluster does not serve keda.sh/v1alpha1, so it cannot take a ScaledObject: KEDA 2.x is needed (install it first), or set keda.enabled false to scale with the chart's HorizontalPodAutoscaler. Without a cluster (helm template), list it: --set apiVersions[0]=keda.sh/v1alpha1 (or --api-versions keda.sh/v1alpha1)." -}}
{{- end -}}
{{- if and .Values.keda.prometheus.enabled (not (and .Values.serviceMonitor.enabled (include "order-service.hasMonitoringApi" .))) -}}
{{- fail "keda.prometheus.enabled: the demand trigger queries the series Prometheus scrapes through the chart's ServiceMonitor (labels namespace and job), and no ServiceMonitor is rendered: without it KEDA reads no value and never adds pods for demand. Set serviceMonitor.enabled true (where monitoring.coreos.com/v1 is served), or keda.prometheus.enabled false." -}}
{{- end -}}
{{- with .Values.keda.fallback.replicas -}}
{{- if or (lt (int .) (int $.Values.autoscaling.minReplicas)) (gt (int .) (int $.Values.autoscaling.maxReplicas)) -}}
{{- fail (printf "keda.fallback.replicas %d is outside autoscaling.minReplicas %d .. autoscaling.maxReplicas %d: KEDA before 2.17 may set the Deployment to exactly that many pods while the demand trigger fails, past maxReplicas too (the capacity guard allowed maxReplicas). Choose a count in the range, or leave it empty for maxReplicas." (int .) (int $.Values.autoscaling.minReplicas) (int $.Values.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- range $i, $schedule := .Values.keda.cron.schedules -}}
{{- if eq (toString $schedule.start) (toString $schedule.end) -}}
{{- fail (printf "keda.cron.schedules[%d]: start and end are both %q; KEDA's cron trigger needs them to differ (the pods are held from start until end)." $i (toString $schedule.start)) -}}
{{- end -}}
{{- if gt ($schedule.desiredReplicas | int) ($.Values.autoscaling.maxReplicas | int) -}}
{{- fail (printf "keda.cron.schedules[%d].desiredReplicas %d is above autoscaling.maxReplicas %d (the ScaledObject's maxReplicaCount): KEDA would silently run %d pods, not %d. Lower desiredReplicas, or raise autoscaling.maxReplicas (the capacity guard then counts the pods)." $i ($schedule.desiredReplicas | int) ($.Values.autoscaling.maxReplicas | int) ($.Values.autoscaling.maxReplicas | int) ($schedule.desiredReplicas | int)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A stopping pod must have time to drain before Kubernetes kills it: it keeps serving with readiness DOWN for
shutdown.delaySeconds, then in-flight requests get shutdown.timeoutSeconds; 5 s of margin for the JVM to stop.
*/}}
{{- define "order-service.validateShutdown" -}}
{{- $delay := .Values.shutdown.delaySeconds | int -}}
{{- $timeout := .Values.shutdown.timeoutSeconds | int -}}
{{- $needed := add $delay $timeout 5 | int -}}
{{- $grace := .Values.terminationGracePeriodSeconds | int -}}
{{- if lt $grace $needed -}}
{{- fail (printf "terminationGracePeriodSeconds %d is shorter than shutdown.delaySeconds %d + shutdown.timeoutSeconds %d + 5 s of margin = %d: Kubernetes would kill pods (SIGKILL) before their in-flight requests finish. Raise terminationGracePeriodSeconds to %d or more, or lower the shutdown times." $grace $delay $timeout $needed $needed) -}}
{{- end -}}
{{- end -}}

{{/*
Rules JSON Schema cannot state (it cannot compare two values): the autoscaler's range, a PodDisruptionBudget that
leaves a voluntary disruption possible (minAvailable equal to the pods would block every node drain), and a grace
period the drain fits in.
*/}}
{{- define "order-service.validate" -}}
{{- include "order-service.validateKeda" . -}}
{{- include "order-service.validateShutdown" . -}}
{{- if and .Values.autoscaling.enabled (gt (.Values.autoscaling.minReplicas | int) (.Values.autoscaling.maxReplicas | int)) -}}
{{- fail (printf "autoscaling.minReplicas %d is larger than autoscaling.maxReplicas %d: %s" (.Values.autoscaling.minReplicas | int) (.Values.autoscaling.maxReplicas | int) (ternary "KEDA refuses that ScaledObject" "the API server refuses that HorizontalPodAutoscaler" .Values.keda.enabled)) -}}
{{- end -}}
{{- if .Values.podDisruptionBudget.enabled -}}
{{- $fewest := ternary (.Values.autoscaling.minReplicas | int) (.Values.replicaCount | int) .Values.autoscaling.enabled -}}
{{- $what := ternary "autoscaling.minReplicas" "replicaCount" .Values.autoscaling.enabled -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if not (kindIs "invalid" $pdb.minAvailable) -}}
{{- $kept := include "order-service.resolvePods" (list $pdb.minAvailable $fewest true) | int -}}
{{- if ge $kept $fewest -}}
{{- fail (printf "podDisruptionBudget.minAvailable %v must leave a pod to evict at %s %d: it keeps %d of %d pods, so no pod may ever be evicted and node drains and cluster upgrades block. Lower it, or use podDisruptionBudget.maxUnavailable (minAvailable null)" $pdb.minAvailable $what $fewest $kept $fewest) -}}
{{- end -}}
{{- else if kindIs "invalid" $pdb.maxUnavailable -}}
{{- fail "podDisruptionBudget: set maxUnavailable (a number or a percentage) or minAvailable" -}}
{{- else if lt (include "order-service.resolvePods" (list $pdb.maxUnavailable $fewest true) | int) 1 -}}
{{- fail (printf "podDisruptionBudget.maxUnavailable %v lets no pod be evicted at %s %d (Kubernetes rounds a percentage up, but 0 stays 0): node drains and cluster upgrades would block. Set 1 or more" $pdb.maxUnavailable $what $fewest) -}}
{{- end -}}
{{- end -}}
{{- if .Values.httpRoute.enabled -}}
{{- if not .Values.httpRoute.parentRefs -}}
{{- fail "httpRoute.enabled: httpRoute.parentRefs names no Gateway, so the route would attach to none. Name the Gateway: httpRoute.parentRefs[0].name (and namespace, sectionName)" -}}
{{- end -}}
{{- if not (or (.Capabilities.APIVersions.Has "gateway.networking.k8s.io/v1") (has "gateway.networking.k8s.io/v1" .Values.apiVersions)) -}}
{{- fail "httpRoute.enabled: the cluster does not serve gateway.networking.k8s.io/v1 (Gateway API 1.0 or later): install its CRDs, or use ingress.enabled instead. Without a cluster (helm template), list it: --set apiVersions[0]=gateway.networking.k8s.io/v1" -}}
{{- end -}}
{{- end -}}
{{- include "order-service.capacityGuard" . -}}
{{- end -}}
