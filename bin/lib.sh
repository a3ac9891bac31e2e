# shellcheck shell=bash
# Helpers shared by the scripts in bin/ and by .ci/run. Each script changes to the repository root and sources this
# file:
#   cd "$(dirname "$0")/.."
#   # shellcheck source=bin/lib.sh
#   . bin/lib.sh
# Sourcing it defines functions and JDK_HOME only; it changes no option and starts nothing.

# The JDK the project builds and runs with.
JDK_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

# die <message...>: "<script>: <message>" on stderr, exit 2 (the scripts' "the harness itself failed").
die() {
  echo "${0##*/}: $*" >&2
  exit 2
}

# use_jdk: JAVA_HOME and PATH name the project's JDK; dies when it is not installed.
use_jdk() {
  export JAVA_HOME=$JDK_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
  [ -x "$JAVA_HOME/bin/java" ] || die "no JDK at $JAVA_HOME"
}

# use_local_postgres: psql, createdb, pgbench... talk to PostgreSQL on 127.0.0.1:5432 as postgres.
use_local_postgres() {
  export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
}

# apt_install <package...>: installs the Debian packages (quietly), as root only.
apt_install() {
  [ "$(id -u)" = 0 ] || die "$* missing: apt-get install $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need_command <command> [<package>]: installs <package> (default: the command's name) when <command> is missing.
need_command() {
  command -v "$1" >/dev/null && return 0
  echo "installing ${2:-$1}"
  apt_install "${2:-$1}"
}

# port_busy <port>: something listens on 127.0.0.1:<port>.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port <variable>: sets the variable to a port that nothing listens on at 127.0.0.1 and that free_port has not
# given this script before, from 20000 up to the kernel's ephemeral range: a port in that range can be taken by any
# outgoing connection (the service's own to PostgreSQL) between this check and the bind, as a replay's Prometheus
# once found.
FREE_PORTS_GIVEN=" "
free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((low > 21000)) || low=61000
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % (low - 20000)))
    [[ $FREE_PORTS_GIVEN == *" $port "* ]] && continue
    port_busy "$port" && continue
    FREE_PORTS_GIVEN+="$port "
    printf -v "$1" %s "$port"
    return 0
  done
  die "found no free port"
}

# wait_http <url> <seconds> [<pid>]: polls <url> every 0.25 s until it answers 2xx (0), <seconds> pass or process
# <pid> exits (1).
wait_http() {
  for _ in $(seq $(($2 * 4))); do
    curl -fs -m 2 -o /dev/null "$1" && return 0
    [ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# stop_pid <pid> [<seconds>]: TERM, up to <seconds> (20) for a clean exit, then KILL; reaps it when it is a child.
stop_pid() {
  kill "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
  for _ in $(seq $((${2:-20} * 4))); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# ensure_packaged: builds target/quarkus-app when its jar is missing.
ensure_packaged() {
  [ -f target/quarkus-app/quarkus-run.jar ] || package_service
}

# ensure_packaged_fresh <path>...: builds target/quarkus-app when its jar is missing or older than a file under the
# paths.
ensure_packaged_fresh() {
  if [ ! -f target/quarkus-app/quarkus-run.jar ] \
    || [ -n "$(find "$@" -newer target/quarkus-app/quarkus-run.jar -type f -print -quit)" ]; then
    package_service
  fi
}

package_service() {
  echo "building the service"
  ./mvnw -B -q -DskipTests package
}

# commit_id: the short commit, with " (with local changes)" when src or pom.xml differ from it.
commit_id() {
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src pom.xml 2>/dev/null \
    || echo ' (with local changes)')"
}

# warn_if_busy: warns when the load average is over half the cores; prints the load average ("1.0 0.5 0.2").
warn_if_busy() {
  local load
  load=$(cut -d" " -f1-3 /proc/loadavg)
  awk -v n="$(nproc)" '$1 > n / 2 { exit 1 }' /proc/loadavg \
    || echo "warning: load average $load at start; other work on this machine will skew the figures" >&2
  echo "$load"
}

# tokens <prefix> <count> <work dir>: bearer tokens for customers <prefix>-1..<count>, made side by side, on one line
# separated by spaces.
tokens() {
  local i pid pids=()
  for i in $(seq "$2"); do
    bin/token "$1-$i" >"$3/token-$1-$i" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "bin/token failed"; done
  for i in $(seq "$2"); do cat "$3/token-$1-$i"; done | tr '\n' ' '
}

# recreate_db <database>: drops (forcing out its sessions) and creates it.
recreate_db() {
  dropdb --if-exists --force "$1"
  createdb "$1"
}

# seed_bench_skus <database> <count>: products BENCH-0001.. with 100,000,000 units each, then vacuum analyze.
seed_bench_skus() {
  psql -q -v ON_ERROR_STOP=1 -d "$1" <<SQL
insert into product (sku, name, price_minor, currency, available)
select 'BENCH-' || lpad(n::text, 4, '0'), 'Benchmark item ' || n, 1000, 'KRW', 100000000
from generate_series(1, $2) as n;
vacuum analyze;
SQL
}

# field <name> <line>: the value of " name=value" in a "key=value key=value" line (BENCH_RESULT).
field() {
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"
}

# run_wrk [--keep-going] <url> <connections> <seconds> <request timeout> <output file>: POST /api/orders with
# src/tools/bench/order.lua (fresh Idempotency-Key per order) on min(2, connections) threads, orders spread over
# the tokens in $TOKENS and $SKUS SKUs; wrk's output goes to the file, its BENCH_RESULT line to stdout. Dies when wrk
# fails (with --keep-going only when it printed no result line: a run against a locked SKU ends with requests in
# flight).
run_wrk() {
  local keep_going=
  if [ "$1" = --keep-going ]; then
    keep_going=1
    shift
  fi
  local url=$1 connections=$2 seconds=$3 request_timeout=$4 out=$5
  local threads=$((connections < 2 ? connections : 2))
  BENCH_TOKENS=$TOKENS BENCH_SKUS=$SKUS BENCH_RUN_ID="${STAMP:-run}-$connections-$seconds-$RANDOM" \
    timeout $((seconds + 60)) wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout "$request_timeout" \
    --latency -s src/tools/bench/order.lua "$url" >"$out" 2>&1 \
    || [ -n "$keep_going" ] || { cat "$out" >&2; die "wrk failed"; }
  grep '^BENCH_RESULT' "$out" || { cat "$out" >&2; die "wrk printed no result line"; }
}

# cpu_ticks <pid>: user + system clock ticks the process has used.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# machine_ticks: "<busy> <total>" clock ticks of all cores since boot (busy: all but idle and iowait).
machine_ticks() {
  awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}

# newest <path>...: the most recently modified of the existing paths (a glob that matched nothing prints nothing).
newest() {
  local path best=
  for path in "$@"; do
    [ -e "$path" ] || continue
    if [ -z "$best" ] || [ "$path" -nt "$best" ]; then best=$path; fi
  done
  echo "$best"
}

# prepare_tools: sets TOOLS_CP, the class path the programs of src/tools/java (package shop.orders.tools) run on:
# target/test-classes, target/classes and the test dependencies. Compiles them first (./mvnw test-compile) when their
# classes are missing or older than src/tools/java, src/test/java or pom.xml, and caches the dependencies' class path
# in target/tools.classpath (made again when pom.xml is newer). Run a tool with
#   "$JAVA_HOME/bin/java" -cp "$TOOLS_CP" shop.orders.tools.<Program> <args...>
prepare_tools() {
  local stamp=target/test-classes/shop/orders/tools/GatewaySimulator.class deps=target/tools.classpath
  if [ ! -f "$stamp" ] || [ -n "$(find src/tools/java src/test/java pom.xml -newer "$stamp" -type f -print -quit)" ]
  then
    echo "compiling the tools (src/tools/java)" >&2
    ./mvnw -B -q test-compile >&2 || die "./mvnw test-compile failed"
    touch "$stamp"
  fi
  if [ ! -s "$deps" ] || [ pom.xml -nt "$deps" ]; then
    ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$PWD/$deps" >&2 || die "could not resolve the tools' class path"
  fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  TOOLS_CP="$PWD/target/test-classes:$PWD/target/classes:$(cat "$deps")"
}

# storefront_build <openapi url>: installs the storefront's npm packages (storefront_packages) and builds storefront/dist when it is missing or older than its sources, the OpenAPI
# document (src/main/openapi) or the service's jar. The client is generated from src/main/openapi/openapi.yaml when it
# exists, else from the document at <openapi url> (a running service's /q/openapi).
storefront_build() {
  local stamp=storefront/dist/index.html
  storefront_packages
  if [ ! -f "$stamp" ] || [ -n "$(find storefront/src storefront/scripts storefront/index.html storefront/package.json \
    storefront/vite.config.ts storefront/tsconfig.json src/main/openapi target/quarkus-app/quarkus-run.jar \
    -newer "$stamp" -type f -not -path 'storefront/src/generated/*' -print -quit 2>/dev/null)" ]; then
    echo "building the storefront"
    (cd storefront && OPENAPI_URL=$1 npm run --silent build) || die "the storefront's build failed"
  fi
}

# storefront_packages: installs the storefront's npm packages (npm ci) when they are missing or older than
# storefront/package-lock.json.
storefront_packages() {
  if [ ! -f storefront/node_modules/.package-lock.json ] \
    || [ storefront/package-lock.json -nt storefront/node_modules/.package-lock.json ]; then
    echo "installing the storefront's packages (npm ci)"
    (cd storefront && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in storefront/"
  fi
}

# storefront_serve <listen address> <runtime dir> <api origin> <work dir>: renders storefront/nginx.conf into
# <work dir> (absolute) and starts nginx in the background on <listen address>, serving storefront/dist and, at
# /runtime/, the files of <runtime dir> (absolute: config.json, on the local run demo-customers.json); the
# Content-Security-Policy lets the app call <api origin> (config.json's apiBase: scheme://host[:port]). Sets
# STOREFRONT_PID.
storefront_serve() {
  local user=
  [ "$(id -u)" != 0 ] || user='user root;'
  mkdir -p "$4/tmp"
  sed -e "s|@LISTEN@|$1|" -e "s|@DIST@|$PWD/storefront/dist|" -e "s|@RUNTIME@|$2|" -e "s|@API_ORIGIN@|$3|" \
    -e "s|@USER@|$user|" storefront/nginx.conf >"$4/nginx.conf"
  nginx -p "$4/" -c nginx.conf -e stderr &
  # shellcheck disable=SC2034 # read by the scripts that source this file
  STOREFRONT_PID=$!
}

# aot_workload <api url> <customer token> <admin token> <rounds> <n>: the training workload of bin/aot-train, one
# customer's rounds through the API's paths (catalog, cart and checkout, orders and their replays, payments, cancel,
# an operator's replace and stock adjustment, problem answers). Prints "<method> <path kind> <status>" per call and
# fails when an answer is not the one expected.
aot_workload() {
  local url=$1 auth="Authorization: Bearer $2" admin="Authorization: Bearer $3" rounds=$4 n=$5
  local json='Content-Type: application/json' round sku body location id etag bad=0
  # call <expected statuses> <label> <curl args...>: the answer's headers and body in WORKLOAD_HEADERS and
  # WORKLOAD_BODY. A 503 (the door, a busy catalog or cart store while the JVM is cold on a busy machine) is retried
  # after half a second, up to 5 times.
  call() {
    local expected=$1 label=$2 status try
    shift 2
    for try in 1 2 3 4 5 6; do
      status=$(curl -s -m 10 -D "$WORKLOAD_HEADERS" -o "$WORKLOAD_BODY" -w '%{http_code}' "$@") || status=000
      if [ "$status" != 503 ] || ((try == 6)); then break; fi
      echo "$label 503 (retried)"
      sleep 0.5
    done
    echo "$label $status"
    [[ " $expected " == *" $status "* ]] || { echo "unexpected: $label $status $(head -c 300 "$WORKLOAD_BODY")"; bad=1; }
  }
  local WORKLOAD_HEADERS WORKLOAD_BODY
  WORKLOAD_HEADERS=$(mktemp) WORKLOAD_BODY=$(mktemp)
  for round in $(seq "$rounds"); do
    sku=$(printf 'SKU-%05d' $(((round * 37 + n * 101) % 1000 + 1)))
    call 200 "GET products" "$url/api/products?limit=20"
    call 200 "GET products-page" "$url/api/products?limit=50&cursor=$(sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p' "$WORKLOAD_BODY")"
    call 400 "GET products-bad-limit" "$url/api/products?limit=0"
    call 200 "GET product" "$url/api/products/$sku"
    call 404 "GET product-unknown" "$url/api/products/NO-SUCH-SKU"
    call 401 "GET orders-no-token" "$url/api/orders"
    # cart and checkout
    call 200 "PUT cart-item" -X PUT "$url/api/cart/items/$sku" -H "$auth" -H "$json" -d '{"quantity":2}'
    call 200 "PUT cart-item" -X PUT "$url/api/cart/items/SKU-00999" -H "$auth" -H "$json" -d '{"quantity":1}'
    call 204 "DELETE cart-item" -X DELETE "$url/api/cart/items/SKU-00999" -H "$auth"
    call 200 "GET cart" "$url/api/cart" -H "$auth"
    call 201 "POST checkout" -X POST "$url/api/cart/checkout" -H "$auth" -H "$json" -H "Idempotency-Key: aot-$n-$round-$RANDOM-c"
    # an order, its replay, a conflicting reuse of its key, and invalid ones
    body="{\"lines\":[{\"sku\":\"$sku\",\"quantity\":1},{\"sku\":\"SKU-00500\",\"quantity\":1}]}"
    local key="aot-$n-$round-$RANDOM-o"
    call 201 "POST order" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key" -d "$body"
    location=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$WORKLOAD_HEADERS")
    id=${location##*/}
    call 201 "POST order-replay" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key" -d "$body"
    call 422 "POST order-key-reused" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key" \
      -d '{"lines":[{"sku":"SKU-00001","quantity":1}]}'
    call 400 "POST order-invalid" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key-i" \
      -d '{"lines":[{"sku":"","quantity":0}]}'
    call 422 "POST order-unknown-sku" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key-u" \
      -d '{"lines":[{"sku":"NO-SUCH-SKU","quantity":1}]}'
    call 409 "POST order-no-stock" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key-s" \
      -d '{"lines":[{"sku":"EVENT-004","quantity":100}]}'
    call 200 "GET order" "$url/api/orders/$id" -H "$auth"
    # its payment through the gateway (402: the simulator's declined cards)
    call "201 202 402" "POST payment" -X POST "$url/api/orders/$id/payment" -H "$auth" -H "$json" \
      -H "Idempotency-Key: $key-p" -d '{"methodToken":"tok_visa"}'
    call 200 "GET payment" "$url/api/orders/$id/payment" -H "$auth"
    call 200 "GET orders" "$url/api/orders?limit=10" -H "$auth"
    # another order, cancelled
    call 201 "POST order" -X POST "$url/api/orders" -H "$auth" -H "$json" -H "Idempotency-Key: $key-x" \
      -d "{\"lines\":[{\"sku\":\"$sku\",\"quantity\":1}]}"
    location=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$WORKLOAD_HEADERS")
    call 200 "POST cancel" -X POST "$url/api/orders/${location##*/}/cancel" -H "$auth"
    call 200 "POST cancel-again" -X POST "$url/api/orders/${location##*/}/cancel" -H "$auth"
    # the operator: stock back, a product replaced under its ETag
    call 200 "POST stock-adjustment" -X POST "$url/api/products/$sku/stock-adjustments" -H "$admin" -H "$json" \
      -H "Idempotency-Key: $key-a" -d '{"delta":5}'
    call 403 "POST stock-adjustment-customer" -X POST "$url/api/products/$sku/stock-adjustments" -H "$auth" \
      -H "$json" -H "Idempotency-Key: $key-b" -d '{"delta":5}'
    call "200 201" "PUT product" -X PUT "$url/api/products/AOT-TRAIN-$n" -H "$admin" -H "$json" -H 'If-Match: *' \
      -d '{"name":"Training item","price":{"amountMinor":1000,"currency":"KRW"},"available":1000000,"event":false}'
    call 200 "GET product" "$url/api/products/AOT-TRAIN-$n"
    etag=$(sed -n 's/^[Ee][Tt]ag: *\([^[:space:]]*\).*/\1/p' "$WORKLOAD_HEADERS")
    call 200 "PUT product-if-match" -X PUT "$url/api/products/AOT-TRAIN-$n" -H "$admin" -H "$json" -H "If-Match: $etag" \
      -d '{"name":"Training item","price":{"amountMinor":1000,"currency":"KRW"},"available":1000000,"event":false}'
    call 428 "PUT product-no-if-match" -X PUT "$url/api/products/AOT-TRAIN-$n" -H "$admin" -H "$json" \
      -d '{"name":"Training item","price":{"amountMinor":1000,"currency":"KRW"},"available":1000000,"event":false}'
    call 204 "DELETE cart" -X DELETE "$url/api/cart" -H "$auth"
  done
  rm -f "$WORKLOAD_HEADERS" "$WORKLOAD_BODY"
  return "$bad"
}
