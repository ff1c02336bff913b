package io.rtvoice.audio.openal;

/**
 * What a real OpenAL device and a loopback one do differently under an {@link AlPlayback}: what moves
 * the source's queue, and so how a writer waiting for room can tell a lost device from a slow one, and
 * what the device holds beyond the queue.
 * <ul>
 *   <li>{@link AlDevicePacer}: a real device plays by its own clock. The writer polls it; it is lost when
 *       disconnected or when its queue stops moving; audio it has mixed waits in it for its latency.</li>
 *   <li>{@link AlLoopbackRenderer}: an OpenAL Soft loopback device plays only when rendered, on the
 *       renderer's thread: renders are its clock. Nobody rendering is not a loss (an abort frees the
 *       writer), and nothing mixed waits in it.</li>
 * </ul>
 *
 * <p>Threads: every method is called by the playback with its lock held, so never concurrently; the
 * playback's context may or may not be current, as a pacer makes ALC calls only. None waits.
 */
sealed interface AlPacer permits AlDevicePacer, AlLoopbackRenderer {

    /** Before each buffer a write queues: the device is still there. */
    void checkConnected();

    /** The queue moved: a played buffer came back, or the source (re)started. */
    void moved();

    /** The ring is full and the writer is about to wait: the queue has moved recently enough. */
    void checkStalled();

    /** What the device has mixed but not yet sounded, in ns, as the device reports it; 0 when it does not. */
    long latencyNanos();
}
