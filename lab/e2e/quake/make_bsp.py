#!/usr/bin/python3
"""lab/e2e/quake/make_bsp.py OUT.bsp: writes a BSP version 29 map of one closed box room, built
from the published BSP29 layout (header of 15 lumps; every struct little-endian), for the Quake
end-to-end tests. Written from scratch: no map compiler and no id data is involved.

The room's inside is x, y in [-128, 128] and z in [-64, 128] (units). The file has:
- entities: worldspawn, one info_player_start and two info_player_deathmatch on the floor;
- hull 0 as six BSP nodes (one axial plane each) ending in leaf 1 (the room, CONTENTS_EMPTY) and
  leaf 0 (the shared CONTENTS_SOLID leaf outside);
- hulls 1 (player, -16 -16 -24 .. 16 16 32) and 2 (-32 -32 -24 .. 32 32 64) as six clipnodes each,
  whose planes are the walls moved in by the hull's size, as a map compiler would expand them;
- six inward faces with one 16x16 texture "wall", three texinfos and a flat lightmap, so that a
  renderer has something to draw; no visibility data (every leaf sees every leaf).
Axial planes have positive normals (type 0, 1, 2): the engines' fast path reads point[type] and
assumes so. The output is the same byte for byte on every run."""
import math
import struct
import sys

X0, X1 = -128, 128
Y0, Y1 = -128, 128
Z0, Z1 = -64, 128
WALL = 16  # nominal wall thickness, only for the bounding boxes

CONTENTS_EMPTY = -1
CONTENTS_SOLID = -2

# mins and maxs of the hulls the engines use for clipping (hull 0 is a point)
HULL1 = ((-16, -16, -24), (16, 16, 32))
HULL2 = ((-32, -32, -24), (32, 32, 64))

ENTITIES = """{
"classname" "worldspawn"
"message" "masq test room"
"sounds" "0"
}
{
"classname" "info_player_start"
"origin" "0 0 -40"
"angle" "0"
}
{
"classname" "info_player_deathmatch"
"origin" "-64 0 -40"
"angle" "0"
}
{
"classname" "info_player_deathmatch"
"origin" "64 0 -40"
"angle" "180"
}
"""


def box_planes(lo, hi):
    """The six walls of the box lo..hi as (axis, dist, solid side): for the max wall of an axis
    the solid side is the plane's front (beyond it), for the min wall its back."""
    out = []
    for axis in range(3):
        out.append((axis, hi[axis], 'front'))
        out.append((axis, lo[axis], 'back'))
    return out


class Bsp:
    def __init__(self):
        self.planes = []  # (normal, dist, type)

    def plane(self, axis, dist):
        normal = [0.0, 0.0, 0.0]
        normal[axis] = 1.0
        self.planes.append((tuple(normal), float(dist), axis))
        return len(self.planes) - 1


def build():
    bsp = Bsp()
    room_lo, room_hi = (X0, Y0, Z0), (X1, Y1, Z1)
    walls = box_planes(room_lo, room_hi)

    # --- vertices, faces, edges ---------------------------------------------------------------
    verts = []
    for z in (Z0, Z1):
        for y in (Y0, Y1):
            for x in (X0, X1):
                verts.append((x, y, z))

    def vid(x, y, z):
        return verts.index((x, y, z))

    # texinfo per axis of the wall's plane: the s and t vectors a map compiler picks for it
    texinfos = [
        ((0, 1, 0, 0), (0, 0, -1, 0)),  # walls on x planes
        ((1, 0, 0, 0), (0, 0, -1, 0)),  # walls on y planes
        ((1, 0, 0, 0), (0, -1, 0, 0)),  # floor and ceiling (z planes)
    ]

    faces = []  # (planenum, side, [vertex ids], texinfo)
    node_planes = []
    for axis, dist, solid in walls:
        p = bsp.plane(axis, dist)
        node_planes.append((p, solid))
        # the face lies on the wall and looks into the room: for the max wall that is the
        # plane's back (side 1), for the min wall its front (side 0)
        side = 1 if solid == 'front' else 0
        inward = [0, 0, 0]
        inward[axis] = -1 if side == 1 else 1
        others = [a for a in range(3) if a != axis]
        a, b = others
        corners = []
        for ca, cb in ((0, 0), (1, 0), (1, 1), (0, 1)):
            pt = [0, 0, 0]
            pt[axis] = dist
            pt[a] = (room_lo[a], room_hi[a])[ca]
            pt[b] = (room_lo[b], room_hi[b])[cb]
            corners.append(vid(*pt))
        # Quake winds faces clockwise seen from the front: (v1-v0) x (v2-v0) points away from
        # the viewer, against the face's normal
        v0, v1, v2 = (verts[i] for i in corners[:3])
        e1 = [v1[i] - v0[i] for i in range(3)]
        e2 = [v2[i] - v0[i] for i in range(3)]
        cross = (e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                 e1[0] * e2[1] - e1[1] * e2[0])
        if sum(cross[i] * inward[i] for i in range(3)) > 0:
            corners.reverse()
        faces.append((p, side, corners, axis))

    edges = [(0, 0)]  # edge 0 is never used: a surfedge of 0 could not carry a sign
    surfedges = []
    face_edges = []
    for _, _, corners, _ in faces:
        first = len(surfedges)
        for i in range(len(corners)):
            a, b = corners[i], corners[(i + 1) % len(corners)]
            if (b, a) in edges:
                surfedges.append(-edges.index((b, a)))
            elif (a, b) in edges:
                surfedges.append(edges.index((a, b)))
            else:
                edges.append((a, b))
                surfedges.append(len(edges) - 1)
        face_edges.append((first, len(corners)))

    # --- lightmaps: one flat sample block per face, sized as the engine computes it ----------
    lighting = bytearray()
    face_light = []
    for (_, _, corners, ti), _fe in zip(faces, face_edges):
        exts = []
        for s in range(2):
            vec = texinfos[ti][s]
            vals = [sum(verts[c][i] * vec[i] for i in range(3)) + vec[3] for c in corners]
            lo = math.floor(min(vals) / 16)
            hi = math.ceil(max(vals) / 16)
            exts.append((hi - lo) * 16)
        samples = (exts[0] // 16 + 1) * (exts[1] // 16 + 1)
        face_light.append(len(lighting))
        lighting += bytes([200]) * samples

    # --- hull 0: nodes; leaf 0 is solid, leaf 1 the room -------------------------------------
    nodes = []
    n = len(node_planes)
    for i, (p, solid) in enumerate(node_planes):
        nxt = i + 1 if i + 1 < n else -2  # after the last wall: leaf 1 (-(1)-1 = -2)
        if solid == 'front':
            children = (-1, nxt)  # -1 is leaf 0, the solid leaf
        else:
            children = (nxt, -1)
        nodes.append((p, children, i, 1))  # each node carries the face on its plane
    lo_b = [room_lo[i] - WALL for i in range(3)]
    hi_b = [room_hi[i] + WALL for i in range(3)]

    leafs = [
        (CONTENTS_SOLID, -1, (0, 0, 0), (0, 0, 0), 0, 0),
        (CONTENTS_EMPTY, -1, tuple(room_lo), tuple(room_hi), 0, len(faces)),
    ]
    marksurfaces = list(range(len(faces)))

    # --- hulls 1 and 2: clipnodes on the walls moved in by the box ---------------------------
    clipnodes = []
    headnodes = [0, 0, 0, 0]
    for h, (mins, maxs) in ((1, HULL1), (2, HULL2)):
        headnodes[h] = len(clipnodes)
        lo = [room_lo[i] - mins[i] for i in range(3)]
        hi = [room_hi[i] - maxs[i] for i in range(3)]
        hw = box_planes(lo, hi)
        base = len(clipnodes)
        for i, (axis, dist, solid) in enumerate(hw):
            p = bsp.plane(axis, dist)
            nxt = base + i + 1 if i + 1 < len(hw) else CONTENTS_EMPTY
            if solid == 'front':
                children = (CONTENTS_SOLID, nxt)
            else:
                children = (nxt, CONTENTS_SOLID)
            clipnodes.append((p, children))

    # --- the texture: 16x16 with its three mip levels ----------------------------------------
    def mip(size):
        px = bytearray()
        for y in range(size):
            for x in range(size):
                px.append(16 if ((x * 16 // size) // 4 + (y * 16 // size) // 4) % 2 else 31)
        return bytes(px)

    pixels = [mip(16), mip(8), mip(4), mip(2)]
    offs, o = [], 40
    for p in pixels:
        offs.append(o)
        o += len(p)
    miptex = struct.pack('<16sII4I', b'wall', 16, 16, *offs) + b''.join(pixels)
    texlump = struct.pack('<ii', 1, 8) + miptex

    # --- pack every lump ----------------------------------------------------------------------
    L = {}
    L[0] = ENTITIES.encode('ascii') + b'\0'
    L[1] = b''.join(struct.pack('<3ffi', *nrm, dist, t) for nrm, dist, t in bsp.planes)
    L[2] = texlump
    L[3] = b''.join(struct.pack('<3f', *v) for v in verts)
    L[4] = b''
    L[5] = b''.join(struct.pack('<ihh3h3hHH', p, c[0], c[1], *lo_b, *hi_b, ff, nf)
                    for p, c, ff, nf in nodes)
    L[6] = b''.join(struct.pack('<8fii', *s, *t, 0, 0) for s, t in texinfos)
    L[7] = b''.join(struct.pack('<hhihh4Bi', p, side, fe[0], fe[1], ti, 0, 255, 255, 255, lo)
                    for (p, side, _, ti), fe, lo in zip(faces, face_edges, face_light))
    L[8] = bytes(lighting)
    L[9] = b''.join(struct.pack('<ihh', p, c[0], c[1]) for p, c in clipnodes)
    L[10] = b''.join(struct.pack('<ii3h3hHH4B', c, v, *mn, *mx, fm, nm, 0, 0, 0, 0)
                     for c, v, mn, mx, fm, nm in leafs)
    L[11] = b''.join(struct.pack('<H', m) for m in marksurfaces)
    L[12] = b''.join(struct.pack('<HH', a, b) for a, b in edges)
    L[13] = b''.join(struct.pack('<i', s) for s in surfedges)
    L[14] = struct.pack('<9f4iiii', *lo_b, *hi_b, 0, 0, 0, 0, headnodes[1], headnodes[2],
                        headnodes[3], len(leafs) - 1, 0, len(faces))

    out = bytearray(4 + 15 * 8)
    dir_ = []
    for i in range(15):
        while len(out) % 4:
            out.append(0)
        dir_.append((len(out), len(L[i])))
        out += L[i]
    struct.pack_into('<i', out, 0, 29)
    for i, (ofs, ln) in enumerate(dir_):
        struct.pack_into('<ii', out, 4 + 8 * i, ofs, ln)
    return bytes(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = build()
    with open(sys.argv[1], 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
