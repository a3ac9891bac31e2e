{{- define "order-service.name" -}}order-service{{- end -}}

{{- define "order-service.labels" -}}
app.kubernetes.io/name: {{ include "order-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "order-service.selector" -}}
app.kubernetes.io/name: {{ include "order-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The capacity guard: every pod may open database.pool.maxSize connections, so the most pods the chart allows
times the pool must fit what PostgreSQL allows minus a reserve. Raising the pool by redeploying during an
incident is how 2025-06-05 went; this refuses the arithmetic that cannot work.
*/}}
{{- define "order-service.capacityGuard" -}}
{{- $pods := .Values.replicaCount | int -}}
{{- if .Values.autoscaling.enabled -}}{{- $pods = .Values.autoscaling.maxReplicas | int -}}{{- end -}}
{{- $pool := .Values.database.pool.maxSize | int -}}
{{- $budget := sub (.Values.database.maxConnections | int) (.Values.database.reservedConnections | int) | int -}}
{{- if gt (mul $pods $pool | int) $budget -}}
{{- fail (printf "capacity guard: %d pods x database.pool.maxSize %d = %d connections, over the database budget of %d (database.maxConnections %d - database.reservedConnections %d). Lower autoscaling.maxReplicas (or replicaCount) or database.pool.maxSize, or raise database.maxConnections after raising max_connections in PostgreSQL." $pods $pool (mul $pods $pool | int) $budget (.Values.database.maxConnections | int) (.Values.database.reservedConnections | int)) -}}
{{- end -}}
{{- if gt (.Values.database.pool.minSize | int) $pool -}}
{{- fail (printf "database.pool.minSize %d is larger than database.pool.maxSize %d" (.Values.database.pool.minSize | int) $pool) -}}
{{- end -}}
{{- end -}}
