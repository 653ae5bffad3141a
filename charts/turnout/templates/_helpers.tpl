{{/*
Name of the chart: the chart's own name, or nameOverride. Used in the
app.kubernetes.io/name label. Trimmed to 63 characters, the limit of a label value and of a
DNS-1123 label.
*/}}
{{- define "turnout.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: the prefix of every object name. fullnameOverride if set; else the release name,
followed by the chart name unless the release name already contains it (so a release called
"turnout" makes "turnout-gateway", not "turnout-turnout-gateway"). Trimmed to 63 characters.
*/}}
{{- define "turnout.fullname" -}}
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

{{/*
Chart name and version, as in the helm.sh/chart label.
*/}}
{{- define "turnout.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels of every object: the selector labels, plus the chart, version and manager labels and
commonLabels. Never use these in a selector: helm.sh/chart and app.kubernetes.io/version change
on upgrade, and a Deployment's selector cannot.
*/}}
{{- define "turnout.labels" -}}
helm.sh/chart: {{ include "turnout.chart" . }}
{{ include "turnout.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: turnout
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Labels that identify this release's objects; stable across upgrades, so safe in selectors.
*/}}
{{- define "turnout.selectorLabels" -}}
app.kubernetes.io/name: {{ include "turnout.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Gateway: full name (<fullname>-gateway, trimmed to 63), labels, selector labels.
*/}}
{{- define "turnout.gateway.fullname" -}}
{{- printf "%s-%s" (include "turnout.fullname" .) .Values.gateway.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "turnout.gateway.labels" -}}
{{ include "turnout.labels" . }}
app.kubernetes.io/component: {{ .Values.gateway.name }}
{{- end -}}

{{- define "turnout.gateway.selectorLabels" -}}
{{ include "turnout.selectorLabels" . }}
app.kubernetes.io/component: {{ .Values.gateway.name }}
{{- end -}}

{{/*
Name of the gateway's admin Service: <gateway fullname>-admin, trimmed so the suffix survives.
*/}}
{{- define "turnout.gateway.adminServiceName" -}}
{{- printf "%s-admin" (include "turnout.gateway.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/*
Name of the gateway's ServiceAccount.
*/}}
{{- define "turnout.gateway.serviceAccountName" -}}
{{- if .Values.gateway.serviceAccount.create -}}
{{- default (include "turnout.gateway.fullname" .) .Values.gateway.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.gateway.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Name of the Secret holding the cookie HMAC key: existingSecret, or the one the chart makes.
*/}}
{{- define "turnout.gateway.secretName" -}}
{{- if .Values.gateway.cookieSecret.existingSecret -}}
{{- .Values.gateway.cookieSecret.existingSecret -}}
{{- else -}}
{{- include "turnout.gateway.fullname" . -}}
{{- end -}}
{{- end -}}

{{/*
Where the gateway reads its files. The ConfigMap and the Secret share one projected volume at
configDir, so the Secret's directory is not a mount nested inside the ConfigMap's (the kubelet
rewrites a ConfigMap volume on update and would remove a mount point it did not create).
*/}}
{{- define "turnout.gateway.configDir" -}}/etc/turnout{{- end -}}
{{- define "turnout.gateway.configFile" -}}turnout.yaml{{- end -}}
{{- define "turnout.gateway.secretFile" -}}secret/cookie-key{{- end -}}
{{/*
Where the TLS Secrets are mounted, one directory each (default/, sni-0/, ...): plain secret
volumes, never subPath mounts, so the kubelet's updates (a swapped ..data symlink) reach the
gateway, which re-reads the files.
*/}}
{{- define "turnout.gateway.tlsDir" -}}/etc/turnout-tls{{- end -}}

{{/*
The gateway's turnout.yaml: gateway.config with the chart's own settings added
(affinity.secretFile) and empty optional settings left out, since the gateway reads an empty
string as a value (an empty preview token is an error there).
*/}}
{{- define "turnout.gateway.config" -}}
{{- $config := deepCopy .Values.gateway.config -}}
{{- $affinity := omit $config.affinity "keyHeader" "maxAge" -}}
{{- range $key := list "keyHeader" "maxAge" -}}
{{- with get $config.affinity $key -}}
{{- $_ := set $affinity $key . -}}
{{- end -}}
{{- end -}}
{{- $_ := set $affinity "secretFile" (printf "%s/%s" (include "turnout.gateway.configDir" .) (include "turnout.gateway.secretFile" .)) -}}
{{- $_ := set $config "affinity" $affinity -}}
{{- $preview := omit $config.preview "token" -}}
{{- with $config.preview.token -}}
{{- $_ := set $preview "token" . -}}
{{- end -}}
{{- $_ := set $config "preview" $preview -}}
{{- with .Values.gateway.tls -}}
{{- if .enabled -}}
{{- $_ := required "gateway.tls.secretName is required when gateway.tls.enabled is true" .secretName -}}
{{- $_ := set $config.listen "https" .containerPort -}}
{{- $dir := include "turnout.gateway.tlsDir" $ -}}
{{- $tls := dict "certFile" (printf "%s/default/tls.crt" $dir) "keyFile" (printf "%s/default/tls.key" $dir) "reloadInterval" .reloadInterval -}}
{{- $sni := list -}}
{{- range $i, $c := .sniCertificates -}}
{{- $sni = append $sni (dict "hosts" $c.hosts "certFile" (printf "%s/sni-%d/tls.crt" $dir $i) "keyFile" (printf "%s/sni-%d/tls.key" $dir $i)) -}}
{{- end -}}
{{- if $sni -}}
{{- $_ := set $tls "certificates" $sni -}}
{{- end -}}
{{- $_ := set $config "tls" $tls -}}
{{- end -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/*
Seconds in a gateway duration ("250ms", "30s", "5m", "1h", or a bare number of seconds), rounded
up. The schema admits only these forms.
*/}}
{{- define "turnout.durationSeconds" -}}
{{- $text := toString . -}}
{{- $number := regexFind "^[0-9]+" $text | int64 -}}
{{- $unit := trimPrefix (regexFind "^[0-9]+" $text) $text -}}
{{- if eq $unit "ms" -}}
{{- div (add $number 999) 1000 -}}
{{- else if eq $unit "m" -}}
{{- mul $number 60 -}}
{{- else if eq $unit "h" -}}
{{- mul $number 3600 -}}
{{- else -}}
{{- $number -}}
{{- end -}}
{{- end -}}

{{/*
The least grace period that lets a gateway pod finish its shutdown: the preStop sleep, then
shutdown.drainDelay of serving with readiness failing, then up to shutdown.timeout for
in-flight requests.
*/}}
{{- define "turnout.gateway.minGracePeriodSeconds" -}}
{{- $shutdown := .Values.gateway.config.shutdown -}}
{{- add (int64 .Values.gateway.preStopSleepSeconds) (include "turnout.durationSeconds" $shutdown.drainDelay | int64) (include "turnout.durationSeconds" $shutdown.timeout | int64) -}}
{{- end -}}

{{/*
The gateway's grace period: the value given (if it is long enough), else the minimum plus 10
seconds of slack for the JVM to exit.
*/}}
{{- define "turnout.gateway.gracePeriodSeconds" -}}
{{- $min := include "turnout.gateway.minGracePeriodSeconds" . | int64 -}}
{{- $given := .Values.gateway.terminationGracePeriodSeconds -}}
{{- if kindIs "invalid" $given -}}
{{- add $min 10 -}}
{{- else if lt (int64 $given) $min -}}
{{- fail (printf "gateway.terminationGracePeriodSeconds (%d) must be at least preStopSleepSeconds + config.shutdown.drainDelay + config.shutdown.timeout (%d), or in-flight requests are cut off" (int64 $given) $min) -}}
{{- else -}}
{{- int64 $given -}}
{{- end -}}
{{- end -}}

{{/*
Controller: full name, labels, selector labels, ServiceAccount name.
*/}}
{{- define "turnout.controller.fullname" -}}
{{- printf "%s-%s" (include "turnout.fullname" .) .Values.controller.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "turnout.controller.labels" -}}
{{ include "turnout.labels" . }}
app.kubernetes.io/component: {{ .Values.controller.name }}
{{- end -}}

{{- define "turnout.controller.selectorLabels" -}}
{{ include "turnout.selectorLabels" . }}
app.kubernetes.io/component: {{ .Values.controller.name }}
{{- end -}}

{{- define "turnout.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create -}}
{{- default (include "turnout.controller.fullname" .) .Values.controller.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.controller.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Namespaces the controller watches, as a JSON list (include returns a string). Empty means all
namespaces, except with namespaced RBAC, where it means the release namespace only: a Role
cannot grant more.
*/}}
{{- define "turnout.controller.watchNamespaces" -}}
{{- if .Values.controller.watchNamespaces -}}
{{- toJson (uniq .Values.controller.watchNamespaces) -}}
{{- else if .Values.controller.rbac.namespaced -}}
{{- toJson (list .Release.Namespace) -}}
{{- else -}}
{{- toJson (list) -}}
{{- end -}}
{{- end -}}

{{/*
Name of the Secret holding the snapshot stream's bearer token, and where both sides read it.
*/}}
{{- define "turnout.controller.streamTokenSecretName" -}}
{{- if .Values.controller.streamToken.existingSecret -}}
{{- .Values.controller.streamToken.existingSecret -}}
{{- else -}}
{{- printf "%s-stream-token" (include "turnout.controller.fullname" .) -}}
{{- end -}}
{{- end -}}
{{- define "turnout.gateway.streamTokenFile" -}}secret/stream-token{{- end -}}
{{- define "turnout.controller.streamTokenDir" -}}/etc/turnout-stream{{- end -}}

{{/*
URL of the controller's snapshot stream, as the gateway is given it. The short Service name
resolves in the release namespace on the first DNS search domain.
*/}}
{{- define "turnout.controllerUrl" -}}
{{- if .Values.gateway.controllerUrl -}}
{{- .Values.gateway.controllerUrl -}}
{{- else -}}
{{- printf "http://%s:%d" (include "turnout.controller.fullname" .) (int .Values.controller.service.port) -}}
{{- end -}}
{{- end -}}

{{/*
Image reference: repository@digest when a digest is given, else repository:tag (tag defaults to
the chart's appVersion). Call with (dict "image" .Values.gateway.image "context" $).
*/}}
{{- define "turnout.image" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository (default .context.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The controller's RBAC rules, exactly what it needs: read Services and EndpointSlices (its
informers get, list and watch), patch Services to keep its own `turnout.io/draining-since`
annotation (so a drain survives a controller restart) and, on the rollout leader, weights and
rollout status; hold the rollout Lease; record Events about the Services it rejects. Nothing
else.
*/}}
{{- define "turnout.controller.rules" -}}
{{- /* patch: the rollout leader moves turnout.io/weight and writes turnout.io/rollout-status. */}}
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "patch"]
{{- /* The Lease that elects the one replica running rollouts. */}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- if .Values.controller.ingress.enabled }}
{{- /* --ingress: read Ingresses and IngressClasses, write the Ingresses' status. In a Role the
       cluster-scoped ingressclasses grant nothing: namespaced RBAC adds a ClusterRole for them. */}}
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses", "ingressclasses"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses/status"]
  verbs: ["update", "patch"]
{{- end }}
{{- end -}}

{{/*
The Gateway API rights, in the ClusterRole only (GatewayClasses and Namespaces are cluster-scoped):
read the kinds and their CRDs (to see whether the API is installed), write status.
*/}}
{{- define "turnout.controller.gatewayApiRules" -}}
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["gatewayclasses", "gateways", "httproutes", "referencegrants"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["gatewayclasses/status", "gateways/status", "httproutes/status"]
  verbs: ["update", "patch"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get"]
{{- end -}}
