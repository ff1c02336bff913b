/** Capture and playback through Java Sound ({@code javax.sound.sampled}), as an rtvoice audio backend. */
module io.rtvoice.audio.javasound {
    requires transitive io.rtvoice.core;
    requires java.desktop;

    exports io.rtvoice.audio.javasound;

    provides io.rtvoice.audio.AudioBackend with io.rtvoice.audio.javasound.JavaSoundBackend;
}
