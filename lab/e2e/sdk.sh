# shellcheck shell=bash
# lab/e2e/sdk.sh: a third party's helper, from ./masq new-helper to the running gateway (issue 17),
# sourced by run.sh. Masq mode only: it installs a bundle in the user-space gateway.

LISTEN_PEER="$LAB_DIR/e2e/listen_peer.py"

# ./masq new-helper makes a project in a temporary directory, the complete helper and test of
# docs/writing-a-helper.md are added to it, Maven builds it offline against the masq jars in the
# local repository only (all their tests run), and the bundle is installed in the
# running gateway: masq:helpers lists both helpers, and A-box's "LISTEN" line to the server outside is
# rewritten to the gateway's address and a gateway port, through which the server reaches A-box.
# Uninstalled afterwards, the helper is gone and the same line leaves as A-box wrote it. The
# build must also have published masq.api's Javadoc, the contract such a helper is written to.
t_helper_from_template() {
    [ "$MODE" = masq ] || skip "installs a bundle in the user-space gateway"
    need_console
    command -v mvn >/dev/null || fail "mvn is not installed (./masq test installs it)"
    local apidoc
    apidoc=$(ls "$LAB_DIR"/../masq.api/target/masq.api-*-javadoc.jar 2>/dev/null | head -n 1)
    # the listing to a file: grep -q ending the pipe early would fail it under pipefail (SIGPIPE)
    [ -n "$apidoc" ] && unzip -l "$apidoc" >"$TMP/apidoc.list" && grep -q 'masq/api/ExpectationBuilder.html' "$TMP/apidoc.list" ||
        fail "the build published no Javadoc of masq.api (masq.api/target/masq.api-*-javadoc.jar)"
    local dir=$TMP/helper out jar id rc=0
    PEER_PID=""
    "$LAB_DIR/../masq" new-helper lab-listen --port 9100 --dir "$dir" >"$TMP/new-helper.log" 2>&1 ||
        fail "./masq new-helper: $(tail -n 1 "$TMP/new-helper.log")"
    local blocks
    blocks=$("$LAB_DIR/e2e/guide_blocks.sh" "$LAB_DIR/../docs/writing-a-helper.md" "$dir") ||
        fail "the guide's code blocks could not be extracted"
    [ "$blocks" -ge 2 ] || fail "docs/writing-a-helper.md gave $blocks code files, not its helper and its test"
    (cd "$dir" && timeout 300 mvn -o -B -q package) >"$TMP/helper-build.log" 2>&1 ||
        fail "the generated helper did not build: $(grep -E 'ERROR|FAIL' "$TMP/helper-build.log" | head -n 3 | paste -sd';')"
    jar=$(ls "$dir"/target/masq-helper-lab-listen-*.jar)
    out=$(console "install file:$jar") || fail "install: $out"
    id=$(sed -n 's/^Bundle ID: \([0-9]*\).*/\1/p' <<<"$out")
    [ -n "$id" ] || fail "install printed no bundle id: $out"
    HELPER_BUNDLE=$id # global: the EXIT trap runs after the function
    trap 'console "uninstall $HELPER_BUNDLE" >/dev/null 2>&1 || true; peer_stop' EXIT
    console "start $id" >/dev/null || fail "start $id failed"
    for _ in $(seq 20); do
        grep -q "^lab-listen  *$id .* active\$" <<<"$(console masq:helpers)" && break
        sleep 0.5
    done
    grep -q "^lab-listen  *$id .* active\$" <<<"$(console masq:helpers)" || fail "masq:helpers: $(console masq:helpers | paste -sd';')"
    grep -q "^lobby  *$id .* active\$" <<<"$(console masq:helpers)" || fail "the guide's helper is not listed: $(console masq:helpers | paste -sd';')"
    peer_start listen "$LISTEN_PEER" server "$OUTSIDE" 9100 30
    nsx abox timeout 15 /usr/bin/python3 "$LISTEN_PEER" client "$OUTSIDE" 9100 "$(fresh_port)" >"$TMP/listen.out" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || fail "A-box was not reached: $(cat "$TMP/listen.out"); server: $(paste -sd';' "$TMP/listen.log")"
    grep -q "^told $GW_OUT:" "$TMP/listen.log" || fail "the server was told $(grep '^told' "$TMP/listen.log")"
    console "uninstall $id" >/dev/null || fail "uninstall $id failed"
    ! grep -q "^lab-listen " <<<"$(console masq:helpers)" || fail "masq:helpers still lists lab-listen"
    nsx abox timeout 15 /usr/bin/python3 "$LISTEN_PEER" client "$OUTSIDE" 9100 "$(fresh_port)" >"$TMP/listen-none.out" 2>&1 || true
    grep -q "^told ${HOST_ADDR[abox]}:" "$TMP/listen.log" || fail "without the helper the server was told: $(grep '^told' "$TMP/listen.log" | tail -n 1)"
    echo "built $(basename "$jar") offline with the guide's $blocks files ($(grep -ho 'Tests run: [0-9]*' "$dir"/target/surefire-reports/*.txt | awk '{n += $3} END {print n}') tests); bundle $id: $(grep -E '^(told|reached)' "$TMP/listen.log" | head -n 2 | paste -sd';'); A-box: $(cat "$TMP/listen.out");" \
        "uninstalled: $(grep '^told' "$TMP/listen.log" | tail -n 1)"
}
