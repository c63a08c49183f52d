#!/usr/bin/env bash
# lab/e2e/quake/make_gamedata.sh DIR: builds the game data of the Quake end-to-end tests in DIR,
# all of it generated here (no id Software data, no network), the same bytes on every run, in
# about a second. Needs python3 and fteqcc; the QuakeWorld part also needs the ktx package.
#
#   DIR/id1/progs.dat          the NetQuake game: qc/*.qc compiled by fteqcc (progs version 6,
#                              system-defs CRC 5927, checked here)
#   DIR/id1/autoexec.cfg       developer 1, hostname masq-nq, map start
#   DIR/quakespasm.pak         PACK with maps/start.bsp (make_bsp.py), progs/player.mdl and an
#                              empty gfx.wad (make_pak.py), for quakespasm -basedir DIR
#   DIR/quakeworld/id1/pak0.pak    the same PACK, for mvdsv -basedir DIR/quakeworld
#   DIR/quakeworld/ktx/        the ktx game directory: symbolic links to the ktx package's files
#                              (qwprogs.so, ktx.cfg, configs/, ...) and our own server.cfg
#
# Why quakespasm.pak and not id1/pak0.pak for NetQuake: quakespasm marks any id1/pakN.pak that is
# not one of id's as "modified" and then refuses to start without the registered data
# ("You must have the registered version to use modified games"); without it, it also never reads
# loose files below id1/ (maps/start.bsp). The quakespasm.pak beside id1/ is the engine's own
# data pack and is loaded without that check. See README.md.
set -euo pipefail

[ $# -eq 1 ] || { sed -n '2,19p' "$0" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
DIR=$(cd "$1" && pwd)

command -v fteqcc >/dev/null || { echo "fteqcc not found (apt-get install fteqcc)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- NetQuake progs: fteqcc writes progs.dat (and progs.lno) into its working directory --------
cp "$HERE"/qc/*.qc "$HERE"/qc/progs.src "$TMP"/
if ! (cd "$TMP" && fteqcc >"$TMP/fteqcc.log" 2>&1); then
    cat "$TMP/fteqcc.log" >&2
    exit 1
fi
python3 - "$TMP/progs.dat" <<'EOF'
import struct, sys
version, crc = struct.unpack('<ii', open(sys.argv[1], 'rb').read(8))
if (version, crc) != (6, 5927):
    sys.exit('progs.dat: version %d crc %d, the engine wants version 6 crc 5927' % (version, crc))
EOF
mkdir -p "$DIR/id1"
cp "$TMP/progs.dat" "$DIR/id1/progs.dat"
# the dedicated server runs autoexec.cfg at start, and then the map "start" unless it has one;
# quakespasm 0.95.1 -dedicated ignores "+cvar value" arguments, so settings go here (run_nq.sh
# rewrites this file with its own settings at each start)
cat >"$DIR/id1/autoexec.cfg" <<'EOF'
// written by make_gamedata.sh
developer 1
hostname masq-nq
map start
EOF

# --- the map and the model, packed ---------------------------------------------------------------
python3 "$HERE/make_pak.py" "$TMP/data.pak"
cp "$TMP/data.pak" "$DIR/quakespasm.pak"
rm -f "$DIR/id1/pak0.pak"  # would stop quakespasm (see above)

# --- QuakeWorld: mvdsv + ktx ---------------------------------------------------------------------
KTX=/usr/share/games/quake/ktx
QW=$DIR/quakeworld
mkdir -p "$QW/id1" "$QW/ktx"
cp "$TMP/data.pak" "$QW/id1/pak0.pak"
if [ -e "$KTX/qwprogs.so" ]; then
    for f in "$KTX"/*; do
        name=$(basename "$f")
        [ "$name" = server.cfg ] && continue
        ln -sfn "$f" "$QW/ktx/$name"
    done
    cat >"$QW/ktx/server.cfg" <<'EOF'
// written by lab/e2e/quake/make_gamedata.sh: mvdsv runs this at start (-game ktx)
exec ktx.cfg                // ktx's own defaults (from the ktx package)
hostname    masq-qw
sv_progtype 1               // native game library: ktx/qwprogs.so
sv_progsname qwprogs
deathmatch  1
timeout     65
sv_getrealip 0              // no extra "ip" handshake: clients behind a NAT connect as they are
sv_use_dns  0
set k_defmap start          // ktx goes back to k_defmap (dm3 by default) when the last player leaves
map start
EOF
else
    echo "ktx not installed ($KTX/qwprogs.so missing): DIR/quakeworld/ktx not made" >&2
fi
echo "game data in $DIR: id1/progs.dat quakespasm.pak quakeworld/id1/pak0.pak quakeworld/ktx/"
