package io.rtvoice.audio.testing;

import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.spi.CaptureDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * docs/audio-backends.md's "Writing a backend", compiled and tested: a complete backend in the SPI. It captures a
 * clip (then ends) and plays into memory at real-time pace through a 40 ms "device buffer", counting
 * what it has played by its own clock. Everything else — threads, resampling to and from its 16 kHz,
 * the played-samples clock barge-in uses — is rtvoice's.
 */
public final class MemoryBackend implements AudioBackend {

    static final AudioFormat FORMAT = AudioFormat.pcm16(16_000, 1);
    static final AudioDevice DEVICE = new AudioDevice("memory", "a clip in, a recording out", true, List.of(FORMAT));

    private final short[] clip;
    private final AtomicInteger captureCloses = new AtomicInteger();

    /** A backend whose capture end gives {@code clip} (16 kHz), then ends. */
    public MemoryBackend(short[] clip) {
        this.clip = clip.clone();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty(); // nothing native: it always runs
    }

    @Override
    public List<AudioDevice> inputDevices() {
        return List.of(DEVICE);
    }

    @Override
    public List<AudioDevice> outputDevices() {
        return List.of(DEVICE);
    }

    @Override
    public CaptureDevice openCapture(AudioSpec spec) {
        return new CaptureDevice() {
            private int next;

            @Override
            public AudioDevice device() {
                return DEVICE;
            }

            @Override
            public AudioFormat format() {
                return FORMAT;
            }

            @Override
            public int read(short[] buffer, int offset, int length) {
                if (next == clip.length) {
                    return -1;
                }
                int n = Math.min(length, clip.length - next);
                System.arraycopy(clip, next, buffer, offset, n);
                next += n;
                return n;
            }

            @Override
            public void close() {
                captureCloses.incrementAndGet();
            }
        };
    }

    /** How many times a capture end of this backend was closed. */
    public int captureCloses() {
        return captureCloses.get();
    }

    @Override
    public Recorder openPlayback(AudioSpec spec) {
        return new Recorder();
    }

    /** Plays into memory: a frame is "played" when its time has come, 40 ms after the buffer ahead of it. */
    public static final class Recorder implements PlaybackDevice {
        private static final int BUFFER = 640; // frames: 40 ms at 16 kHz
        private short[] played = new short[FORMAT.sampleRate()];
        private short[] buffered = new short[BUFFER];
        private long written;       // frames accepted
        private long playedFrames;  // frames whose time has come
        private long startNanos;    // when frame {@code clockBase} was due
        private long clockBase;
        private long aborts;
        private int closes;

        /** A recorder with nothing played yet. */
        public Recorder() {
        }

        @Override
        public AudioDevice device() {
            return DEVICE;
        }

        @Override
        public AudioFormat format() {
            return FORMAT;
        }

        @Override
        public void write(short[] interleaved, int offset, int length) {
            long generation = generation();
            for (int i = 0; i < length; i++) {
                while (!accept(interleaved[offset + i], generation)) {
                    if (generation != generation()) {
                        return; // aborted: the rest is dropped
                    }
                    LockSupport.parkNanos(1_000_000); // full: wait a millisecond for the clock to play some
                }
            }
        }

        private synchronized long generation() {
            return aborts;
        }

        private synchronized boolean accept(short sample, long generation) {
            advance();
            if (generation != aborts || written - playedFrames >= BUFFER) {
                return false;
            }
            if (written == playedFrames) { // an empty buffer: the clock (re)starts with this frame
                startNanos = System.nanoTime();
                clockBase = written;
            }
            buffered[(int) (written % BUFFER)] = sample;
            written++;
            return true;
        }

        /** Moves every frame whose time has come from the buffer to what was played. */
        private void advance() {
            long due = clockBase + (System.nanoTime() - startNanos) * FORMAT.sampleRate() / 1_000_000_000L;
            for (; playedFrames < Math.min(written, due); playedFrames++) {
                if (playedFrames >= played.length) {
                    played = Arrays.copyOf(played, played.length * 2);
                }
                played[(int) playedFrames] = buffered[(int) (playedFrames % BUFFER)];
            }
        }

        @Override
        public synchronized long playedFrames() {
            advance();
            return playedFrames;
        }

        @Override
        public synchronized long abort() {
            advance();
            aborts++;
            long dropped = written - playedFrames;
            written = playedFrames; // never to be played
            return dropped;
        }

        @Override
        public Duration latency() {
            return FORMAT.durationOfSamples(BUFFER);
        }

        /** What was played so far. */
        public synchronized short[] recording() {
            advance();
            return Arrays.copyOf(played, (int) playedFrames);
        }

        /** How many times this end was closed. */
        public synchronized int closes() {
            return closes;
        }

        @Override
        public synchronized void close() {
            closes++;
        }
    }
}
