#!/usr/bin/env bash
# The seed scenario, step by step, against a running consulite (or real Consul Enterprise):
#   consulite agent -dev &   then   bash examples/mesh-gateways/walkthrough.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
addr=${CONSUL_HTTP_ADDR:-127.0.0.1:8500}
consulite=${CONSULITE:-consulite}

step() { printf '\n== %s\n' "$*"; }

step "partitions"
for p in finance api db logging; do
  curl -sf -X PUT --data "{\"Name\": \"$p\"}" "http://$addr/v1/partition" >/dev/null && echo "created $p"
done
$consulite namespace create -name dev -partition api   # billing.hcl registers `api` there

step "mesh gateways and upstream services"
$consulite services register "$here/mesh-gateways.hcl" "$here/billing.hcl"

step "proxy-defaults: local mode for the default partition"
$consulite config write "$here/proxy-defaults.hcl"

step "a web proxy with an upstream to billing in finance"
$consulite services register "$here/web-sidecar-instance.hcl"
$consulite explain web-sidecar-proxy

step "export billing to the default partition"
$consulite config write -partition finance "$here/exported-finance.hcl"
$consulite explain web-sidecar-proxy

step "service-defaults for web (beats proxy-defaults), and the merged view Consul's agent shows"
$consulite config write "$here/service-defaults-web.hcl"
curl -sf "http://$addr/v1/agent/service/web-sidecar-proxy" | python3 -m json.tool

step "the same proxy with per-upstream modes across three partitions"
$consulite services register "$here/web-sidecar-upstreams.hcl"
$consulite explain web-sidecar-proxy
