{{/* Names, labels and the values derived from several others (computed once, here). */}}

{{- define "sohoa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sohoa.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sohoa.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "sohoa.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sohoa
{{- end }}

{{/* Selector labels of one role: (dict "ctx" $ "component" "api"|"worker") */}}
{{- define "sohoa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sohoa.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "sohoa.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "sohoa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sohoa.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sohoa.secretName" -}}
{{- default (include "sohoa.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* SOHOA_BUS, from the same bootstrap list KEDA reads. */}}
{{- define "sohoa.busUrl" -}}
{{- $servers := .Values.kafka.bootstrapServers | nospace }}
{{- if not $servers }}{{ fail "kafka.bootstrapServers is required (HOST:PORT[,HOST:PORT...])" }}{{ end }}
{{- if contains "://" $servers }}{{ fail "kafka.bootstrapServers takes HOST:PORT[,HOST:PORT...], without a scheme" }}{{ end }}
{{- printf "kafka://%s" $servers }}
{{- end }}

{{/* True (non-empty) when Elasticsearch needs credentials: SOHOA_INDEX then goes to the Secret. */}}
{{- define "sohoa.indexHasCredentials" -}}
{{- if .Values.elasticsearch.username }}true{{ end }}
{{- end }}

{{/* SOHOA_INDEX, with the credentials when there are some (only ever rendered into the Secret). */}}
{{- define "sohoa.indexUrl" -}}
{{- $url := required "elasticsearch.url is required" .Values.elasticsearch.url }}
{{- if contains "@" $url }}{{ fail "elasticsearch.url must not carry credentials: set elasticsearch.username and elasticsearch.password" }}{{ end }}
{{- if not (or (hasPrefix "http://" $url) (hasPrefix "https://" $url)) }}{{ fail "elasticsearch.url must start with http:// or https://" }}{{ end }}
{{- if .Values.elasticsearch.username }}
{{- $scheme := ternary "https://" "http://" (hasPrefix "https://" $url) }}
{{- $rest := trimPrefix $scheme $url }}
{{- printf "%s%s:%s@%s" $scheme (urlquery .Values.elasticsearch.username) (urlquery (required "elasticsearch.password is required with elasticsearch.username" .Values.elasticsearch.password)) $rest }}
{{- else }}
{{- $url }}
{{- end }}
{{- end }}

{{/* SOHOA_STORE (credentials included: only ever rendered into the Secret). */}}
{{- define "sohoa.storeUrl" -}}
{{- $s3 := .Values.s3 }}
{{- if contains "@" $s3.endpoint }}{{ fail "s3.endpoint is HOST:PORT; give the keys as s3.accessKey and s3.secretKey" }}{{ end }}
{{- $access := required "s3.accessKey is required (or set secrets.existingSecret)" $s3.accessKey }}
{{- $secret := required "s3.secretKey is required (or set secrets.existingSecret)" $s3.secretKey }}
{{- $url := printf "%s://%s:%s@%s/%s" (ternary "s3+https" "s3" $s3.secure) (urlquery $access) (urlquery $secret) (required "s3.endpoint is required" $s3.endpoint) (required "s3.bucket is required" $s3.bucket) }}
{{- if $s3.region }}{{ $url = printf "%s?region=%s" $url (urlquery $s3.region) }}{{ end }}
{{- $url }}
{{- end }}

{{/*
Most worker replicas worth running: each worker process is one consumer of the group, and Kafka gives
each partition to one consumer, so replicas x processes beyond the partition count would sit idle.
0 (default) means exactly that ceiling; a larger explicit value is refused.
*/}}
{{- define "sohoa.workerMaxReplicas" -}}
{{- $partitions := int .Values.kafka.partitions }}
{{- $processes := int .Values.worker.processes }}
{{- if lt $processes 1 }}{{ fail "worker.processes must be at least 1" }}{{ end }}
{{- $ceiling := div $partitions $processes | int }}
{{- if lt $ceiling 1 }}
{{- fail (printf "kafka.partitions (%d) is less than worker.processes (%d): a worker pod would have idle consumers" $partitions $processes) }}
{{- end }}
{{- $max := .Values.worker.autoscaling.maxReplicas | default $ceiling | int }}
{{- if gt $max $ceiling }}
{{- fail (printf "worker.autoscaling.maxReplicas (%d) x worker.processes (%d) exceeds kafka.partitions (%d): the extra workers would sit idle. Add partitions to %s first, then raise kafka.partitions." $max $processes $partitions .Values.kafka.topics.uploaded) }}
{{- end }}
{{- $max }}
{{- end }}

{{/* A probe from {path, periodSeconds, timeoutSeconds, failureThreshold} on a named port. */}}
{{- define "sohoa.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: {{ .port }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}

{{/* Restart the pods when their settings change. */}}
{{- define "sohoa.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}
