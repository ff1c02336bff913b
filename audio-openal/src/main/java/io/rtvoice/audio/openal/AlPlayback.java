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
import static org.lwjgl.openal.ALC10.alcCloseDevice;
import static org.lwjgl.openal.ALC10.alcCreateContext;
import static org.lwjgl.openal.ALC10.alcDestroyContext;

import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.spi.PlaybackDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.lwjgl.openal.ALCapabilities;
import org.lwjgl.openal.SOFTDirectChannels;

/**
 * One OpenAL streaming source on a device and context of its own, fed from a ring of {@value #BUFFERS}
 * buffers of 10 ms at the device's rate (so OpenAL's own resampler, a low-pass, never runs), with the
 * account of what was played. This is what a real device and a loopback device share; what differs is
 * the {@link AlPacer}: {@link AlDevicePacer} for a device that plays by its own clock, or
 * {@link AlLoopbackRenderer} for an OpenAL Soft loopback device, which plays only when rendered.
 *
 * <h2>Buffers</h2>
 * <pre>
 *  free ──write: fill, queue──▶ queued ──the device mixes it──▶ processed ──reclaim──▶ free
 *  queued, processed ──abort, close──▶ free
 * </pre>
 * A write fills and queues one buffer at a time; with none free it waits for the device to take one.
 * Played buffers are reclaimed before each queueing and each query of the position.
 *
 * <h2>The source</h2>
 * <pre>
 *  INITIAL ──a write fills the ring──▶ PLAYING ──the queue ran dry──▶ STOPPED ──next write: underrun──▶ PLAYING
 *  any ──abort──▶ INITIAL
 * </pre>
 * A new source starts only once the ring is full (a device may mix several updates at once when it
 * starts, and a part-filled ring would run dry at once); one that ran dry is restarted straight away and
 * counted in {@link #underruns()}. An abort rewinds it to INITIAL, so the next start is no underrun.
 *
 * <h2>Played frames</h2>
 * Frames at the device's rate, by the device's own account: frames ever queued, less those dropped by
 * aborts, less those still buffered — the queue past the source's offset and, while the source plays,
 * what the device has mixed but not yet sounded ({@link AlPacer#latencyNanos()}). The count never
 * decreases. An abort counts as dropped everything not yet heard, though what the device already mixed
 * will still sound: the truncation errs towards less heard, never more.
 *
 * <h2>Threads</h2>
 * {@link #write} is called by one playback thread, {@link #render} (loopback only) by one rendering
 * thread; {@link #playedFrames}, {@link #abort}, {@link #latency} and {@link #expectWrites} from any
 * thread; {@link #close} once, after the last write. One lock guards all the state above, and every AL
 * call runs under it with the context made current on the calling thread only and restored afterwards,
 * so outputs on other devices and other threads never see it. Waits release the lock: a write waiting for
 * room polls every 2.5 ms (a quarter of a buffer) and is woken early by each render; a render waiting for
 * the writer is woken by each queued buffer; an abort or close wakes both, and a write begun before an
 * abort returns. Audio passes through direct buffers made at open: apart from the lock's own node for a
 * thread that waits, {@code write}, {@code render} and {@code playedFrames} allocate nothing.
 */
final class AlPlayback implements PlaybackDevice {

    /** Buffers in the ring. */
    static final int BUFFERS = 4;
    /** Each buffer's length: 10 ms at the device's rate. */
    private static final int BUFFER_MILLIS = 10;

    /** What close released, as checked by AL itself before the context was destroyed. */
    record Released(int sources, int buffers, int stillValid, boolean deviceClosed) {
    }

    private final AudioDevice info;
    private final String name;
    private final AudioFormat format;
    private final long device;
    private final long context;
    private final AlPacer pacer;
    private final int alFormat;
    private final int channels;
    private final int bufferFrames;
    private final int source;
    private final int[] buffers;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the queue moves: a buffer queued, frames rendered, the queue discarded, closing. */
    private final Condition changed = lock.newCondition();
    private final ShortBuffer staging;
    // The ring: queued buffer ids and their frame counts in queue order; the free ones on a stack.
    private final int[] queuedIds = new int[BUFFERS];
    private final int[] queuedFrames = new int[BUFFERS];
    private int queueHead;
    private int queueCount;
    private int queuedSum;
    private final int[] free = new int[BUFFERS];
    private int freeCount;
    /** Written to, or started, since opened or last discarded: a render waits for the writer only then. */
    private boolean streaming;
    /** Frames ever queued, and those of them dropped by aborts. */
    private long queuedTotal;
    private long droppedTotal;
    private volatile long playedFloor;
    /** Counts aborts, so that a write begun before one returns. */
    private long aborts;
    /** The writer waits for a free buffer: the ring is full and nothing moves until the device takes one. */
    private boolean writerBlocked;
    private volatile boolean closed;
    private volatile long underruns;
    private volatile Released released;

    /**
     * Makes the source and its buffers on {@code context} of {@code device}. {@code info} lists the one
     * format the device runs at and is fed. From here the playback owns the device and the context:
     * {@link #close} releases them.
     */
    AlPlayback(AudioDevice info, long device, long context, AlPacer pacer) {
        this.info = info;
        this.name = info.name();
        this.format = info.formats().get(0);
        this.device = device;
        this.context = context;
        this.pacer = pacer;
        this.channels = format.channels();
        this.alFormat = channels == 1 ? AL_FORMAT_MONO16 : AL_FORMAT_STEREO16;
        this.bufferFrames = bufferFrames(format.sampleRate());
        this.staging = ByteBuffer.allocateDirect(bufferFrames * channels * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
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

    /**
     * Creates a context with {@code attributes} on {@code device}, just opened, and has {@code open} make
     * the playback on it. When either fails, destroys the context and closes the device, so a failed open
     * leaves nothing behind; a context that cannot be made is {@code reason}, with {@code cannot} and the
     * ALC error as the message.
     */
    static AlPlayback onNewContext(long device, int[] attributes, AudioDeviceException.Reason reason, String cannot,
            LongFunction<AlPlayback> open) {
        long context = 0L;
        try {
            context = alcCreateContext(device, attributes);
            if (context == 0L) {
                throw new AudioDeviceException(reason, cannot + ": " + Al.alcError(device));
            }
            return open.apply(context);
        } catch (RuntimeException e) {
            if (context != 0L) {
                alcDestroyContext(context);
            }
            alcCloseDevice(device);
            throw e;
        }
    }

    /** The frames in one buffer at {@code rate} Hz: also the step a loopback device is rendered in. */
    static int bufferFrames(int rate) {
        return rate * BUFFER_MILLIS / 1000;
    }

    private void check(String what, AudioDeviceException.Reason reason) {
        int error = alGetError();
        if (error != 0) {
            throw new AudioDeviceException(reason, "OpenAL failed " + what + " on " + name
                    + ": AL error 0x" + Integer.toHexString(error));
        }
    }

    @Override
    public AudioDevice device() {
        return info;
    }

    boolean isLoopback() {
        return pacer instanceof AlLoopbackRenderer;
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
                pacer.checkConnected();
                reclaim();
                if (freeCount == 0) {
                    ensurePlaying(); // the ring is full: a new source starts now
                    awaitRoom();
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
                streaming = true;
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

    /** Waits (lock released) for a buffer to come back: polled for a real device, woken by a render on a loopback one. */
    private void awaitRoom() {
        pacer.checkStalled();
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

    /** Takes played buffers off the source and back to the free stack. */
    private void reclaim() {
        int processed = alGetSourcei(source, AL_BUFFERS_PROCESSED);
        for (int i = 0; i < processed && queueCount > 0; i++) {
            alSourceUnqueueBuffers(source);
            free[freeCount++] = queuedIds[queueHead];
            queuedSum -= queuedFrames[queueHead];
            queueHead = (queueHead + 1) % BUFFERS;
            queueCount--;
            pacer.moved();
        }
    }

    /** Starts a new source once the ring is full, and restarts one that ran dry (an underrun) straight away. */
    private void ensurePlaying() {
        int state = alGetSourcei(source, AL_SOURCE_STATE);
        if (state == AL_STOPPED || (state == AL_INITIAL && freeCount == 0)) {
            if (state == AL_STOPPED) {
                underruns++;
            }
            alSourcePlay(source);
            pacer.moved();
        }
    }

    private boolean isPlaying() {
        return alGetSourcei(source, AL_SOURCE_STATE) == AL_PLAYING;
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
        // Never waits, as a Reactor timer or an event loop may ask: while the playback thread holds the device
        // for a moment (queueing a 10 ms buffer), the count it last reported stands.
        if (!lock.tryLock()) {
            return playedFloor;
        }
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
        return unmixed + (isPlaying() ? (int) (pacer.latencyNanos() * format.sampleRate() / 1_000_000_000L) : 0);
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
        streaming = false;
    }

    /** The ring when full plus the device's own latency (when the library reports it). */
    @Override
    public Duration latency() {
        long ringNanos = (long) BUFFERS * bufferFrames * 1_000_000_000L / format.sampleRate();
        long deviceNanos = 0;
        if (!closed) {
            lock.lock();
            try {
                if (!closed) {
                    deviceNanos = pacer.latencyNanos();
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
            streaming = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Renders {@code frames} frames (interleaved, the device's channels) into {@code out} on the calling
     * thread; a loopback device only (see {@link AlLoopbackRenderer#render}).
     *
     * @throws IllegalStateException when the device plays by itself
     */
    void render(short[] out, int frames) {
        if (!(pacer instanceof AlLoopbackRenderer renderer)) {
            throw new IllegalStateException("only a loopback output renders on demand; " + name + " plays by itself");
        }
        if (out.length < frames * channels) {
            throw new IllegalArgumentException("out.length : " + out.length + " (expected: >= frames * channels = "
                    + frames * channels + ")");
        }
        lock.lock();
        long previous = Al.enter(context);
        try {
            renderer.render(this, out, frames);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering", e);
        } finally {
            Al.exit(context, previous);
            lock.unlock();
        }
    }

    /**
     * For a render: while a stream runs ({@link #expectWrites}, or a write since the last abort), waits up to
     * {@code patienceNanos} (lock released) until more than {@code frames} are queued on a playing source.
     * Lock held, context current.
     *
     * @return false once closed: there is nothing to render
     */
    boolean awaitQueued(int frames, long patienceNanos) throws InterruptedException {
        long waited = 0;
        while (streaming && !closed && !(unmixedFrames() > frames && isPlaying()) && waited < patienceNanos) {
            long start = System.nanoTime();
            changed.awaitNanos(patienceNanos - waited);
            waited += System.nanoTime() - start;
        }
        return !closed;
    }

    /** For a render: frames were rendered, so a writer waiting for room looks again. Lock held. */
    void rendered() {
        changed.signalAll();
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
