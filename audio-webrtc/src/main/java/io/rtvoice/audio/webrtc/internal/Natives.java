package io.rtvoice.audio.webrtc.internal;

import dev.onvoid.webrtc.media.audio.AudioProcessing;

/** Loads webrtc-java's native library once, with a clear error where it cannot. */
public final class Natives {

    private static volatile boolean loaded;

    private Natives() {
    }

    /**
     * Loads the library: webrtc-java loads it when {@link AudioProcessing} is initialised, which its voice
     * activity detector does not do by itself.
     *
     * @throws IllegalStateException when there is no native library for this platform on the class path
     */
    public static void load() {
        if (loaded) {
            return;
        }
        try {
            Class.forName(AudioProcessing.class.getName(), true, AudioProcessing.class.getClassLoader());
            loaded = true;
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("WebRTC's audio processing cannot load here (" + System.getProperty("os.name") + ", "
                    + System.getProperty("os.arch") + "): add webrtc-java's native jar for this platform (rtvoice ships "
                    + "linux-x86_64's). Cause: " + e, e);
        }
    }
}
