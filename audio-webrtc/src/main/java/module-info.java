/**
 * Echo cancellation and voice activity detection for rtvoice's voice session, by WebRTC's audio processing
 * (native, through webrtc-java): {@link io.rtvoice.audio.webrtc.WebRtcAudio}. Core stays free of native code;
 * a session that does not ask for them never loads this module. {@code io.rtvoice.audio.webrtc.internal} is not
 * exported.
 */
module io.rtvoice.audio.webrtc {
    requires transitive io.rtvoice.core;
    requires webrtc.java;

    exports io.rtvoice.audio.webrtc;
}
