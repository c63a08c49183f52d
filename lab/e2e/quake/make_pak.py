#!/usr/bin/python3
"""lab/e2e/quake/make_pak.py OUT.pak: writes a PACK file with the data the Quake servers of the
end-to-end tests load, all generated here from the published formats (nothing copied):
  maps/start.bsp     the one-room BSP29 map of make_bsp.py
  progs/player.mdl   an alias model (IDPO version 6): a 32x32x56 box, 8 vertices, 12 triangles,
                     one 8x8 skin, one frame; the progs precache it and set it on the player
  gfx.wad            an empty WAD2 (no lumps): quakespasm opens gfx.wad even when dedicated and
                     stops with "W_LoadWadFile: couldn't load gfx.wad" without one
The PACK layout: "PACK", directory offset, directory length; the directory has 64-byte entries
(name[56], offset, length). Deterministic: the same bytes on every run."""
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bsp  # noqa: E402


def player_mdl():
    mins, maxs = (-16.0, -16.0, -24.0), (16.0, 16.0, 32.0)
    scale = tuple((maxs[i] - mins[i]) / 255.0 for i in range(3))
    skin_w, skin_h = 8, 8
    # 8 corners of the box, as packed vertex coordinates 0 or 255
    corners = [(x, y, z) for z in (0, 255) for y in (0, 255) for x in (0, 255)]
    # 12 triangles, two per side, indices into corners
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    tris = []
    for a, b, c, d in quads:
        tris += [(a, b, c), (a, c, d)]
    radius = max(sum(v * v for v in mins), sum(v * v for v in maxs)) ** 0.5
    head = struct.pack('<4si3f3ff3f8if', b'IDPO', 6, *scale, *mins, radius, 0.0, 0.0, 22.0,
                       1, skin_w, skin_h, len(corners), len(tris), 1, 0, 0, 32.0)
    skin = struct.pack('<i', 0) + bytes((x + y) % 2 and 4 or 12 for y in range(skin_h)
                                        for x in range(skin_w))
    stverts = b''.join(struct.pack('<3i', 0, (i % 2) * (skin_w - 1), (i // 2 % 2) * (skin_h - 1))
                       for i in range(len(corners)))
    triangles = b''.join(struct.pack('<4i', 1, *t) for t in tris)
    frame = struct.pack('<i4B4B16s', 0, 0, 0, 0, 0, 255, 255, 255, 0, b'stand1')
    frame += b''.join(struct.pack('<4B', *v, 0) for v in corners)
    return head + skin + stverts + triangles + frame


def empty_wad():
    return struct.pack('<4sii', b'WAD2', 0, 12)


def pack(files):
    body = bytearray(12)
    entries = []
    for name, data in files:
        entries.append((name, len(body), len(data)))
        body += data
    dirofs = len(body)
    for name, ofs, ln in entries:
        body += struct.pack('<56sii', name.encode('ascii'), ofs, ln)
    struct.pack_into('<4sii', body, 0, b'PACK', dirofs, 64 * len(entries))
    return bytes(body)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = pack([
        ('maps/start.bsp', make_bsp.build()),
        ('progs/player.mdl', player_mdl()),
        ('gfx.wad', empty_wad()),
    ])
    with open(sys.argv[1], 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
