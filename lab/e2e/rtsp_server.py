#!/usr/bin/python3
"""lab/e2e/rtsp_server.py ADDRESS PORT: an RTSP server (GStreamer's rtsp-server) on ADDRESS:PORT
serving /tone, a live 440 Hz tone as RTP L16 (pt 96), over UDP only: the client must receive the
media on the ports it names in SETUP, as the RealAudio and RTSP players behind a masquerade did.
Prints "serving rtsp://ADDRESS:PORT/tone" once it listens; runs until killed."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    address, port = sys.argv[1], sys.argv[2]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(address)
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch("( audiotestsrc is-live=true freq=440 ! audio/x-raw,rate=8000,channels=1 "
                       "! audioconvert ! rtpL16pay name=pay0 pt=96 )")
    factory.set_shared(True)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP)
    server.get_mount_points().add_factory("/tone", factory)
    if server.attach(None) == 0:
        print("rtsp_server: cannot listen on %s:%s" % (address, port), file=sys.stderr)
        return 1
    print("serving rtsp://%s:%s/tone" % (address, port), flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
