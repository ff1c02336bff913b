/** Capture and playback through OpenAL Soft (LWJGL), as an rtvoice audio backend. */
module io.rtvoice.audio.openal {
    requires transitive io.rtvoice.core;
    requires org.lwjgl;
    requires org.lwjgl.openal;

    exports io.rtvoice.audio.openal;

    provides io.rtvoice.audio.AudioBackend with io.rtvoice.audio.openal.OpenAlBackend;
}
