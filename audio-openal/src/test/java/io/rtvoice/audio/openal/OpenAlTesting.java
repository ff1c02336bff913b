package io.rtvoice.audio.openal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Checks shared by the OpenAL tests. */
final class OpenAlTesting {

    private OpenAlTesting() {
    }

    /** Names of live threads that rtvoice started. */
    static List<String> rtvoiceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("rtvoice-")).toList();
    }

    /** The output closed every AL object it made, as AL itself said before the context went, and the device. */
    static void assertReleased(OpenAlOutput output) {
        AlPlayback.Released released = output.playback().released();
        assertThat(released).as("close released the device").isNotNull();
        assertThat(released.stillValid()).as("sources and buffers AL still knows after deletion").isZero();
        assertThat(released.buffers()).isEqualTo(AlPlayback.BUFFERS);
        assertThat(released.deviceClosed()).as("alcCloseDevice").isTrue();
    }

    /** Every {@code channels}-th sample from {@code channel}. */
    static short[] channel(short[] interleaved, int channels, int channel) {
        short[] out = new short[interleaved.length / channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = interleaved[i * channels + channel];
        }
        return out;
    }
}
