package io.rtvoice.internal.audio;

import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.spi.VoiceActivityDetector;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.audio.Pcm;
import java.util.Arrays;

/**
 * What a voice session does to the user's audio before it is sent: echo cancellation against what was
 * played, then local voice activity detection that lets through only speech (with its pre-roll and the
 * silence that ends it). Works in 10 ms frames; audio arrives and is sent in whatever sizes the capture
 * gives. Either stage may be absent; with neither, nobody builds one of these.
 *
 * <p>Threads: {@link #process} is called by one thread at a time (the capture thread, or a sender);
 * {@link #played} by the playback thread; they share only the far end's level.
 */
public final class NearEnd implements AutoCloseable {

    /** Where {@link NearEnd}'s decisions go. */
    public interface Listener {
        /** Audio to send: mono PCM16 little-endian at the capture rate. */
        void send(byte[] pcm16);

        /** Speech started at this sample position (that of its first frame). */
        void speechStarted(long positionSamples);

        /** Speech stopped at this sample position (that of its first silent frame); what preceded it was sent. */
        void speechStopped(long positionSamples);
    }

    /** Per 10 ms, how much of the far end's level is still remembered (−1.5 dB): echo lingers after a word. */
    private static final double FAR_DECAY = 0.7;

    private final Listener listener;
    private final EchoCanceller canceller;
    private final VoiceActivityDetector detector;
    private final int frame;
    private final int farFrame;
    private final float threshold;
    private final int startFrames;
    private final int stopFrames;
    private final double gate; // power ratio to the far end; 0 when off
    private final boolean sendAll;

    // capture side
    private final short[] pending;
    private int pendingCount;
    private final short[] cleaned;
    private final short[] ring; // the last frames before speech: pre-roll plus the onset
    private final int ringFrames;
    private int ringCount;
    private int ringHead;
    private int run;
    private boolean speaking;
    private long position;
    private byte[] out = new byte[0]; // what goes up from this call, PCM16 little-endian
    private int outCount;

    // playback side
    private final short[] farPending;
    private int farCount;
    private volatile double farPower;

    /**
     * @param captureRate the rate of what {@link #process} gets
     * @param playbackRate the rate of what {@link #played} gets
     * @param canceller the echo canceller, or null
     * @param detector the voice activity detector, or null (then all audio is sent)
     * @param vad the detector's settings; required with a detector
     * @param sendAll whether all audio is sent, speech or not (the server takes the turns: it needs the silence
     *                that ends them), the detector then only saying when speech starts and stops
     */
    public NearEnd(int captureRate, int playbackRate, EchoCanceller canceller, VoiceActivityDetector detector, LocalVad vad,
                   boolean sendAll, Listener listener) {
        this.listener = listener;
        this.sendAll = sendAll;
        this.canceller = canceller;
        this.detector = detector;
        this.frame = captureRate / 100;
        this.farFrame = playbackRate / 100;
        this.pending = new short[frame];
        this.cleaned = new short[frame];
        this.farPending = new short[farFrame];
        if (detector != null) {
            this.threshold = vad.threshold();
            this.startFrames = vad.startMillis() / 10;
            this.stopFrames = vad.stopMillis() / 10;
            this.gate = Double.isNaN(vad.bargeInGateDb()) ? 0 : Math.pow(10, vad.bargeInGateDb() / 10);
            this.ringFrames = vad.preRollMillis() / 10 + startFrames;
        } else {
            this.threshold = 0;
            this.startFrames = 0;
            this.stopFrames = 0;
            this.gate = 0;
            this.ringFrames = 0;
        }
        this.ring = new short[ringFrames * frame];
    }

    /** Tells the canceller where to look for the echo: the output's latency plus the input's. */
    public void delayMillis(int millis) {
        if (canceller != null) {
            canceller.delayMillis(millis);
        }
    }

    /** The user's audio: mono PCM16 little-endian at the capture rate, any whole number of samples. */
    public synchronized void process(byte[] pcm16, int offset, int length) {
        int samples = length / 2;
        for (int done = 0; done < samples; ) {
            int n = Math.min(samples - done, frame - pendingCount);
            Pcm.toShorts(pcm16, offset + 2 * done, pending, pendingCount, n);
            pendingCount += n;
            done += n;
            if (pendingCount == frame) {
                pendingCount = 0;
                frame();
            }
        }
        flush();
    }

    private void frame() {
        if (canceller != null) {
            canceller.capture(pending, 0, cleaned, 0);
        } else {
            System.arraycopy(pending, 0, cleaned, 0, frame);
        }
        if (detector == null) {
            write(cleaned, 0);
        } else {
            detect();
        }
        position += frame;
    }

    private void detect() {
        boolean speech = detector.speechProbability(cleaned, 0) >= threshold && aboveGate();
        if (!speaking) {
            if (sendAll) {
                write(cleaned, 0);
            } else {
                remember();
            }
            run = speech ? run + 1 : 0;
            if (run >= startFrames) {
                speaking = true;
                run = 0;
                listener.speechStarted(position - (long) (startFrames - 1) * frame);
                for (int i = 0; i < ringCount; i++) { // oldest first
                    write(ring, ((ringHead - ringCount + i + ringFrames) % ringFrames) * frame);
                }
                ringCount = 0;
            }
        } else {
            write(cleaned, 0);
            run = speech ? 0 : run + 1;
            if (run >= stopFrames) {
                speaking = false;
                run = 0;
                flush(); // what ends the turn goes before the commit
                listener.speechStopped(position - (long) (stopFrames - 1) * frame);
            }
        }
    }

    /** Whether this frame is loud enough, next to what plays, to be the user rather than residual echo. */
    private boolean aboveGate() {
        if (gate == 0) {
            return true;
        }
        double near = 0;
        for (int i = 0; i < frame; i++) {
            near += (double) cleaned[i] * cleaned[i];
        }
        return near / frame >= farPower * gate;
    }

    private void remember() {
        if (ringFrames == 0) {
            return;
        }
        System.arraycopy(cleaned, 0, ring, ringHead * frame, frame);
        ringHead = (ringHead + 1) % ringFrames;
        ringCount = Math.min(ringCount + 1, ringFrames);
    }

    private void write(short[] samples, int from) {
        if (outCount + 2 * frame > out.length) {
            out = Arrays.copyOf(out, Math.max(2 * out.length, outCount + 2 * frame));
        }
        Pcm.toBytes(samples, from, out, outCount, frame);
        outCount += 2 * frame;
    }

    private void flush() {
        if (outCount > 0) {
            byte[] bytes = Arrays.copyOf(out, outCount);
            outCount = 0;
            listener.send(bytes);
        }
    }

    /** What was just handed to the speaker, silence included: the canceller's reference and the gate's level. */
    public void played(short[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            farPending[farCount++] = samples[i];
            if (farCount == farFrame) {
                farCount = 0;
                if (canceller != null) {
                    canceller.played(farPending, 0);
                }
                if (gate != 0) {
                    double power = 0;
                    for (short s : farPending) {
                        power += (double) s * s;
                    }
                    farPower = Math.max(power / farFrame, farPower * FAR_DECAY);
                }
            }
        }
    }

    /** Releases the canceller and the detector. */
    @Override
    public void close() {
        try {
            if (canceller != null) {
                canceller.close();
            }
        } finally {
            if (detector != null) {
                detector.close();
            }
        }
    }
}
