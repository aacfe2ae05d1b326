#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the hall's tests and benchmarks.
#
#   scripts/pg.sh run CMD [ARGS…]   start a cluster, run CMD with
#                                   GOVKIOSK_TEST_PG set to its URL, then stop
#                                   and remove it (CMD's exit status is kept)
#   scripts/pg.sh start             start one and print its URL and data
#                                   directory (for trying things by hand)
#   scripts/pg.sh stop DIR          stop and remove a cluster start made
#
# Debian's postgresql is installed first, only when missing (like deps.sh).
# The cluster lives in a temporary directory, listens on 127.0.0.1 on a free
# port and on a socket in that directory only, and trusts local connections:
# it holds nothing but test data and is gone after the run. Commits stay
# durable (fsync and synchronous_commit at their defaults) so benchmarks
# measure what a real hall would see. PostgreSQL refuses to run as root; as
# root the cluster runs as the postgres user the package creates.
set -euo pipefail

install_postgres() {
	if dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed" &&
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
		return
	fi
	echo "pg: installing postgresql" >&2
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || { echo "pg: need root (or sudo) to install postgresql" >&2; exit 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# The package's own cluster (port 5432) is left alone: the tests use
	# only the throwaway one.
	$sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# bindir is the newest installed server version's binaries.
bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$d/initdb" ] || { echo "pg: no initdb under /usr/lib/postgresql/*/bin" >&2; exit 1; }
	echo "$d"
}

# as_owner runs a command as the cluster's owner: ourselves, or postgres
# when we are root.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	echo "pg: no free port found" >&2
	exit 1
}

# start_cluster sets DIR and URL.
start_cluster() {
	install_postgres
	local bin
	bin=$(bindir)
	DIR=$(mktemp -d /tmp/govkiosk-pg.XXXXXX)
	chmod 0755 "$DIR"
	mkdir "$DIR/data"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$DIR" "$DIR/data"
	fi
	as_owner "$bin/initdb" -D "$DIR/data" -U govkiosk --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
		{ cat "$DIR/initdb.log" >&2; exit 1; }
	# A port can be taken between the check and the start: try a few.
	local port
	for attempt in 1 2 3 4 5; do
		port=$(free_port)
		# max_connections: each test's store opens a pool, and the benchmarks
		# run several hall instances with their pools at once.
		if as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$DIR -c max_connections=300 -c shared_buffers=256MB" >/dev/null; then
			URL="postgres://govkiosk@127.0.0.1:$port/postgres?sslmode=disable"
			return
		fi
		echo "pg: start on port $port failed (attempt $attempt)" >&2
	done
	cat "$DIR/server.log" >&2
	exit 1
}

stop_cluster() {
	local dir=$1 bin
	[ -d "$dir/data" ] || { echo "pg: $dir is not a cluster made by pg.sh start" >&2; return 1; }
	bin=$(bindir)
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}

case "${1:-}" in
run)
	shift
	[ $# -gt 0 ] || { echo "usage: scripts/pg.sh run CMD [ARGS…]" >&2; exit 2; }
	start_cluster
	trap 'stop_cluster "$DIR"' EXIT
	echo "pg: throwaway cluster at $URL" >&2
	status=0
	GOVKIOSK_TEST_PG=$URL "$@" || status=$?
	exit $status
	;;
start)
	start_cluster
	echo "GOVKIOSK_TEST_PG=$URL"
	echo "stop with: scripts/pg.sh stop $DIR"
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: scripts/pg.sh stop DIR" >&2; exit 2; }
	stop_cluster "$2"
	;;
*)
	echo "usage: scripts/pg.sh run CMD [ARGS…] | start | stop DIR" >&2
	exit 2
	;;
esac
