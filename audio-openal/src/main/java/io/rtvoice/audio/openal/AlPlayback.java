package io.rtvoice.audio.openal;

import static org.lwjgl.openal.AL10.AL_BUFFER;
import static org.lwjgl.openal.AL10.AL_BUFFERS_PROCESSED;
import static org.lwjgl.openal.AL10.AL_FORMAT_MONO16;
import static org.lwjgl.openal.AL10.AL_FORMAT_STEREO16;
import static org.lwjgl.openal.AL10.AL_INITIAL;
import static org.lwjgl.openal.AL10.AL_PLAYING;
import static org.lwjgl.openal.AL10.AL_SOURCE_RELATIVE;
import static org.lwjgl.openal.AL10.AL_SOURCE_STATE;
import static org.lwjgl.openal.AL10.AL_STOPPED;
import static org.lwjgl.openal.AL10.AL_TRUE;
import static org.lwjgl.openal.AL10.alBufferData;
import static org.lwjgl.openal.AL10.alDeleteBuffers;
import static org.lwjgl.openal.AL10.alDeleteSources;
import static org.lwjgl.openal.AL10.alGenBuffers;
import static org.lwjgl.openal.AL10.alGenSources;
import static org.lwjgl.openal.AL10.alGetError;
import static org.lwjgl.openal.AL10.alGetSourcei;
import static org.lwjgl.openal.AL10.alIsBuffer;
import static org.lwjgl.openal.AL10.alIsSource;
import static org.lwjgl.openal.AL10.alSourcePlay;
import static org.lwjgl.openal.AL10.alSourceQueueBuffers;
import static org.lwjgl.openal.AL10.alSourceRewind;
import static org.lwjgl.openal.AL10.alSourceStop;
import static org.lwjgl.openal.AL10.alSourceUnqueueBuffers;
import static org.lwjgl.openal.AL10.alSourcei;
import static org.lwjgl.openal.AL11.AL_SAMPLE_OFFSET;
import static org.lwjgl.openal.ALC10.ALC_FALSE;
import static org.lwjgl.openal.ALC10.ALC_FREQUENCY;
import static org.lwjgl.openal.EnumerateAllExt.ALC_ALL_DEVICES_SPECIFIER;
import static org.lwjgl.openal.ALC10.alcCloseDevice;
import static org.lwjgl.openal.ALC10.alcCreateContext;
import static org.lwjgl.openal.ALC10.alcDestroyContext;
import static org.lwjgl.openal.ALC10.alcGetInteger;
import static org.lwjgl.openal.ALC10.alcGetString;
import static org.lwjgl.openal.ALC10.alcOpenDevice;

import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.lwjgl.openal.ALC;
import org.lwjgl.openal.ALCCapabilities;
import org.lwjgl.openal.ALCapabilities;
import org.lwjgl.openal.EXTDisconnect;
import org.lwjgl.openal.SOFTDeviceClock;
import org.lwjgl.openal.SOFTDirectChannels;
import org.lwjgl.openal.SOFTLoopback;
import org.lwjgl.openal.SOFTOutputLimiter;

/**
 * One OpenAL device with its own context and one streaming source fed from a small ring of buffers at
 * the device's rate (so OpenAL's own resampler, a low-pass, never runs). Every AL call happens under
 * {@link #lock} with the context current on the calling thread only, so outputs on other devices and
 * other threads never see it.
 *
 * <p>Played frames are the device's own account: frames queued, less those dropped by aborts, less
 * those not yet mixed (the queue past the source's offset) and, while playing, the device's own
 * latency as OpenAL Soft reports it.
 */
final class AlPlayback implements PlaybackDevice {

    /** Buffers in the ring. */
    static final int BUFFERS = 4;
    /** Each buffer's length: 10 ms at the device's rate. */
    private static final int BUFFER_MILLIS = 10;
    /** A real device whose queue does not move for this long is treated as lost. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long a loopback render waits for the writer before rendering what there is. */
    private static final long RENDER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** What close released, as checked by AL itself before the context was destroyed. */
    record Released(int sources, int buffers, int stillValid, boolean deviceClosed) {
    }

    private final String name;
    private final AudioDevice info;
    private final long device;
    private final long context;
    private final boolean loopback;
    private final AudioFormat format;
    private final int alFormat;
    private final int channels;
    private final int bufferFrames;
    private final int source;
    private final int[] buffers;
    private final boolean deviceClock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the queue moves: a buffer queued, frames rendered, the queue discarded, closing. */
    private final Condition changed = lock.newCondition();
    private final ShortBuffer staging;
    /** Loopback renders float, then rounds: OpenAL Soft dithers 16-bit output, which would hide bit-exactness. */
    private final FloatBuffer rendered;
    // The ring: queued buffer ids and their frame counts in queue order; the free ones on a stack.
    private final int[] queuedIds = new int[BUFFERS];
    private final int[] queuedFrames = new int[BUFFERS];
    private int queueHead;
    private int queueCount;
    private int queuedSum;
    private final int[] free = new int[BUFFERS];
    private int freeCount;
    /** Written to, or started, since opened or last discarded: a loopback render waits for the writer. */
    private boolean writtenSinceDiscard;
    /** Frames ever queued, and those of them dropped by aborts; guarded by the lock. */
    private long queuedTotal;
    private long droppedTotal;
    private long playedFloor;
    /** Counts aborts, so that a write begun before one returns. */
    private long aborts;
    /** The writer waits for a free buffer: the ring is full and nothing moves until a render (loopback). */
    private boolean writerBlocked;
    /** When a buffer last came back, or the source last started: a playing device that stops moving is lost. */
    private long lastProgressNanos;
    private volatile boolean closed;
    private volatile long underruns;
    private volatile Released released;

    private AlPlayback(String name, long device, long context, boolean loopback, boolean isDefault, int rate, int channels) {
        this.name = name;
        this.info = new AudioDevice(name, loopback ? "OpenAL Soft loopback: renders into memory on demand" : name,
                isDefault, List.of(AudioFormat.pcm16(rate, channels)));
        this.device = device;
        this.context = context;
        this.loopback = loopback;
        this.channels = channels;
        this.format = AudioFormat.pcm16(rate, channels);
        this.alFormat = channels == 1 ? AL_FORMAT_MONO16 : AL_FORMAT_STEREO16;
        this.bufferFrames = rate * BUFFER_MILLIS / 1000;
        this.staging = directShorts(bufferFrames * channels);
        this.rendered = ByteBuffer.allocateDirect(bufferFrames * channels * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        ALCCapabilities alc = ALC.createCapabilities(device);
        // A loopback device mixes only when rendered: nothing mixed waits in it, whatever latency it reports.
        this.deviceClock = alc.ALC_SOFT_device_clock && !loopback;
        long previous = Al.enter(context);
        int createdSource = 0;
        int[] created = new int[BUFFERS];
        try {
            Al.ensureAlCapabilities(device);
            alGetError();
            createdSource = alGenSources();
            alGenBuffers(created);
            check("creating a source and " + BUFFERS + " buffers", AudioDeviceException.Reason.DEVICE_BUSY);
            // Relative at the listener: no distance attenuation or panning, the buffer's channels as they are.
            alSourcei(createdSource, AL_SOURCE_RELATIVE, AL_TRUE);
            ALCapabilities al = Al.alCapabilities();
            if (al != null && al.AL_SOFT_direct_channels) {
                alSourcei(createdSource, SOFTDirectChannels.AL_DIRECT_CHANNELS_SOFT, AL_TRUE);
            }
            alGetError(); // a hint the library refuses is harmless
        } catch (RuntimeException e) {
            if (createdSource != 0) {
                alDeleteSources(createdSource);
            }
            alDeleteBuffers(created);
            alGetError();
            Al.exit(context, previous);
            throw e;
        }
        Al.exit(context, previous);
        this.source = createdSource;
        this.buffers = created;
        System.arraycopy(created, 0, free, 0, BUFFERS);
        this.freeCount = BUFFERS;
    }

    /** Opens a playback device by name ({@code null}: the default) at its own rate, stereo. */
    static AlPlayback open(String name, boolean isDefault) {
        long device = alcOpenDevice(name);
        if (device == 0L) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot open OpenAL playback device "
                    + (name == null ? "(default)" : "'" + name + "'") + ": " + Al.alcError(0L));
        }
        long context = 0L;
        try {
            context = alcCreateContext(device, (int[]) null);
            if (context == 0L) {
                throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_BUSY, "cannot create an OpenAL context on "
                        + name + ": " + Al.alcError(device));
            }
            int rate = alcGetInteger(device, ALC_FREQUENCY);
            String actual = alcGetString(device, ALC_ALL_DEVICES_SPECIFIER);
            // Stereo buffers: a mono source on a stereo device is panned to -4.5 dB per channel.
            return new AlPlayback(actual == null ? String.valueOf(name) : actual, device, context, false, isDefault, rate, 2);
        } catch (RuntimeException e) {
            if (context != 0L) {
                alcDestroyContext(context);
            }
            alcCloseDevice(device);
            throw e;
        }
    }

    /** Opens an OpenAL Soft loopback device, which plays nothing and renders on demand into memory. */
    static AlPlayback openLoopback(int rate, int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels : " + channels + " (expected: 1 or 2)");
        }
        if (!ALC.getCapabilities().ALC_SOFT_loopback) {
            throw new AudioDeviceException(AudioDeviceException.Reason.BACKEND_UNAVAILABLE,
                    "the OpenAL library lacks ALC_SOFT_loopback");
        }
        long device = SOFTLoopback.alcLoopbackOpenDeviceSOFT((CharSequence) null);
        if (device == 0L) {
            throw new AudioDeviceException(AudioDeviceException.Reason.NO_DEVICE, "cannot open an OpenAL loopback device: "
                    + Al.alcError(0L));
        }
        long context = 0L;
        try {
            int alcChannels = channels == 1 ? SOFTLoopback.ALC_MONO_SOFT : SOFTLoopback.ALC_STEREO_SOFT;
            if (!SOFTLoopback.alcIsRenderFormatSupportedSOFT(device, rate, alcChannels, SOFTLoopback.ALC_FLOAT_SOFT)) {
                throw new AudioDeviceException(AudioDeviceException.Reason.UNSUPPORTED_FORMAT, "the OpenAL loopback device "
                        + "cannot render " + rate + " Hz, " + channels + " channel(s), float");
            }
            int[] attributes = {
                    SOFTLoopback.ALC_FORMAT_CHANNELS_SOFT, alcChannels,
                    SOFTLoopback.ALC_FORMAT_TYPE_SOFT, SOFTLoopback.ALC_FLOAT_SOFT,
                    ALC_FREQUENCY, rate,
                    SOFTOutputLimiter.ALC_OUTPUT_LIMITER_SOFT, ALC_FALSE, // render exactly, never compress
                    0};
            context = alcCreateContext(device, attributes);
            if (context == 0L) {
                throw new AudioDeviceException(AudioDeviceException.Reason.UNSUPPORTED_FORMAT,
                        "cannot create a context on the OpenAL loopback device: " + Al.alcError(device));
            }
            return new AlPlayback("loopback", device, context, true, true, rate, channels);
        } catch (RuntimeException e) {
            if (context != 0L) {
                alcDestroyContext(context);
            }
            alcCloseDevice(device);
            throw e;
        }
    }

    private static ShortBuffer directShorts(int n) {
        return ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
    }

    private void check(String what, AudioDeviceException.Reason reason) {
        int error = alGetError();
        if (error != 0) {
            throw new AudioDeviceException(reason, "OpenAL failed " + what + " on " + name
                    + ": AL error 0x" + Integer.toHexString(error));
        }
    }

    String name() {
        return name;
    }

    @Override
    public AudioDevice device() {
        return info;
    }

    boolean isLoopback() {
        return loopback;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public void write(short[] interleaved, int offset, int length) {
        int frames = length / channels;
        int done = 0;
        lock.lock();
        long previous = Al.enter(context);
        try {
            long generation = aborts;
            while (done < frames) {
                if (closed || aborts != generation) {
                    return; // closing or aborted: what is left would be discarded anyway
                }
                checkConnected();
                reclaim();
                if (freeCount == 0) {
                    ensurePlaying(); // the ring is full: a new source starts now
                    awaitProgress();
                    continue;
                }
                int n = Math.min(bufferFrames, frames - done);
                staging.clear();
                staging.put(interleaved, offset + done * channels, n * channels).flip();
                int id = free[--freeCount];
                alBufferData(id, alFormat, staging, format.sampleRate());
                alSourceQueueBuffers(source, id);
                check("queueing a buffer", AudioDeviceException.Reason.DEVICE_LOST);
                queuedIds[(queueHead + queueCount) % BUFFERS] = id;
                queuedFrames[(queueHead + queueCount) % BUFFERS] = n;
                queueCount++;
                queuedSum += n;
                queuedTotal += n;
                done += n;
                writtenSinceDiscard = true;
                ensurePlaying();
                changed.signalAll();
            }
        } finally {
            Al.exit(context, previous);
            lock.unlock();
        }
    }

    /**
     * For tests of a loopback device: waits until the playback thread is blocked on a full ring, the
     * one state in which written, buffered and played hold still.
     */
    void awaitWriterBlocked() throws InterruptedException {
        lock.lock();
        try {
            while (!(writerBlocked && freeCount == 0) && !closed) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits (lock released) for a buffer to come back; a real device is polled, a loopback one is woken by render. */
    private void awaitProgress() {
        long now = System.nanoTime();
        if (!loopback && now - lastProgressNanos > STALL_NANOS) {
            throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL device " + name
                    + " played nothing for " + TimeUnit.NANOSECONDS.toMillis(STALL_NANOS) + " ms");
        }
        // A quarter of a buffer: the refill is never late by more than 2.5 ms, and the thread parks in between.
        try {
            writerBlocked = true;
            changed.signalAll();
            changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(BUFFER_MILLIS) / 4);
            writerBlocked = false;
        } catch (InterruptedException e) {
            writerBlocked = false;
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + name, e);
        }
    }

    private void checkConnected() {
        if (!loopback && alcGetInteger(device, EXTDisconnect.ALC_CONNECTED) == 0) {
            throw new AudioDeviceException(AudioDeviceException.Reason.DEVICE_LOST, "OpenAL device " + name
                    + " was disconnected");
        }
    }

    /** Takes played buffers off the source and back to the free stack. */
    private void reclaim() {
        int processed = alGetSourcei(source, AL_BUFFERS_PROCESSED);
        for (int i = 0; i < processed && queueCount > 0; i++) {
            alSourceUnqueueBuffers(source);
            free[freeCount++] = queuedIds[queueHead];
            queuedSum -= queuedFrames[queueHead];
            queueHead = (queueHead + 1) % BUFFERS;
            queueCount--;
            lastProgressNanos = System.nanoTime();
        }
    }

    /**
     * Starts a new source once the ring is full (a device may mix several updates at once when it
     * starts, and a part-filled ring would run dry at once), and restarts one that ran dry (an underrun)
     * straight away.
     */
    private void ensurePlaying() {
        int state = alGetSourcei(source, AL_SOURCE_STATE);
        if (state == AL_STOPPED || (state == AL_INITIAL && freeCount == 0)) {
            if (state == AL_STOPPED) {
                underruns++;
            }
            alSourcePlay(source);
            lastProgressNanos = System.nanoTime(); // the stall clock runs only while the source plays
        }
    }

    /** Frames queued but not yet mixed: the queue less the source's offset into it. Lock held, context current. */
    private int unmixedFrames() {
        reclaim();
        if (queueCount == 0) {
            return 0;
        }
        int state = alGetSourcei(source, AL_SOURCE_STATE);
        if (state == AL_INITIAL) {
            return queuedSum;
        }
        if (state == AL_STOPPED) {
            return 0;
        }
        return Math.max(0, queuedSum - alGetSourcei(source, AL_SAMPLE_OFFSET));
    }

    @Override
    public long playedFrames() {
        lock.lock();
        long previous = Al.enter(context);
        try {
            if (!closed) {
                playedFloor = Math.max(playedFloor, queuedTotal - droppedTotal - bufferedFrames());
            }
            return playedFloor;
        } finally {
            Al.exit(context, previous);
            lock.unlock();
        }
    }

    /** Frames queued but not yet heard. Lock held, context current. */
    private int bufferedFrames() {
        int unmixed = unmixedFrames();
        // Frames already mixed sit in the device (Pulse: ~50 ms) until they are heard.
        boolean playing = alGetSourcei(source, AL_SOURCE_STATE) == AL_PLAYING;
        return unmixed + (playing ? deviceLatencyFrames() : 0);
    }

    private int deviceLatencyFrames() {
        if (!deviceClock) {
            return 0;
        }
        long nanos = SOFTDeviceClock.alcGetInteger64vSOFT(device, SOFTDeviceClock.ALC_DEVICE_LATENCY_SOFT);
        return (int) (Math.max(0, nanos) * format.sampleRate() / 1_000_000_000L);
    }

    /**
     * Drops the queue. Frames already mixed into the device (its reported latency) will still sound, but
     * count as dropped: the truncation errs towards less heard, never more.
     */
    @Override
    public long abort() {
        lock.lock();
        long previous = Al.enter(context);
        try {
            aborts++;
            changed.signalAll();
            if (closed) {
                return 0;
            }
            long played = Math.max(playedFloor, queuedTotal - droppedTotal - bufferedFrames());
            long dropped = queuedTotal - droppedTotal - played;
            clearQueue();
            droppedTotal += dropped;
            playedFloor = played;
            return dropped;
        } finally {
            Al.exit(context, previous);
            lock.unlock();
        }
    }

    private void clearQueue() {
        alSourceStop(source);
        alSourcei(source, AL_BUFFER, 0); // detaches the whole queue from a stopped source
        alSourceRewind(source); // back to AL_INITIAL, so the next start is not counted as an underrun
        alGetError();
        for (; queueCount > 0; queueCount--) {
            free[freeCount++] = queuedIds[queueHead];
            queueHead = (queueHead + 1) % BUFFERS;
        }
        queuedSum = 0;
        writtenSinceDiscard = false;
    }

    /** The ring when full plus the device's own latency (when the library reports it). */
    @Override
    public Duration latency() {
        long ringNanos = (long) BUFFERS * bufferFrames * 1_000_000_000L / format.sampleRate();
        long deviceNanos = 0;
        if (deviceClock && !closed) {
            lock.lock();
            try {
                if (!closed) {
                    deviceNanos = Math.max(0, SOFTDeviceClock.alcGetInteger64vSOFT(device, SOFTDeviceClock.ALC_DEVICE_LATENCY_SOFT));
                }
            } finally {
                lock.unlock();
            }
        }
        return Duration.ofNanos(ringNanos + deviceNanos);
    }

    /** Underruns so far: times the source ran dry and had to be started again. */
    long underruns() {
        return underruns;
    }

    /**
     * A source was just started: a loopback render now waits for its first write rather than rendering
     * silence, so the rendered stream begins with the source, whatever the threads' timing.
     */
    void expectWrites() {
        lock.lock();
        try {
            writtenSinceDiscard = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Renders {@code frames} frames (interleaved, the device's channels) into {@code out}. Loopback only.
     * Waits for the writer to have queued them (up to 200 ms per buffer), so a renderer faster than real
     * time never starves the source; with nothing written since the start or the last stop it renders
     * silence at once.
     */
    void render(short[] out, int frames) {
        if (!loopback) {
            throw new IllegalStateException("only a loopback output renders on demand; " + name + " plays by itself");
        }
        if (out.length < frames * channels) {
            throw new IllegalArgumentException("out.length : " + out.length + " (expected: >= frames * channels = "
                    + frames * channels + ")");
        }
        int done = 0;
        lock.lock();
        long previous = Al.enter(context);
        try {
            while (done < frames) {
                if (closed) {
                    Arrays.fill(out, done * channels, frames * channels, (short) 0);
                    return;
                }
                int n = Math.min(bufferFrames, frames - done);
                // More than n queued: a source that plays its last queued frame stops (an underrun), even if the
                // writer was on time. And playing: a new source starts only once its ring is full.
                long waited = 0;
                while (writtenSinceDiscard && !closed && !readyToRender(n) && waited < RENDER_WAIT_NANOS) {
                    long start = System.nanoTime();
                    changed.awaitNanos(RENDER_WAIT_NANOS - waited);
                    waited += System.nanoTime() - start;
                }
                if (closed) {
                    continue;
                }
                rendered.clear();
                SOFTLoopback.alcRenderSamplesSOFT(device, rendered, n);
                for (int i = 0, base = done * channels; i < n * channels; i++) {
                    float x = rendered.get(i) * 32768f;
                    out[base + i] = (short) Math.max(-32768, Math.min(32767, Math.round(x)));
                }
                done += n;
                changed.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering", e);
        } finally {
            Al.exit(context, previous);
            lock.unlock();
        }
    }

    /** More than {@code n} frames queued on a playing source. */
    private boolean readyToRender(int n) {
        return unmixedFrames() > n && alGetSourcei(source, AL_SOURCE_STATE) == AL_PLAYING;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            long previous = Al.enter(context);
            int stillValid = 0;
            try {
                clearQueue();
                alDeleteSources(source);
                alDeleteBuffers(buffers);
                alGetError();
                // Ask AL itself, while the context still exists, that nothing of ours survives.
                stillValid += alIsSource(source) ? 1 : 0;
                for (int id : buffers) {
                    stillValid += alIsBuffer(id) ? 1 : 0;
                }
            } finally {
                Al.exit(context, previous);
                alcDestroyContext(context);
            }
            boolean deviceClosed = alcCloseDevice(device);
            released = new Released(1, buffers.length, stillValid, deviceClosed);
        } finally {
            lock.unlock();
        }
    }

    /** What close released, or null while open. */
    Released released() {
        return released;
    }
}
