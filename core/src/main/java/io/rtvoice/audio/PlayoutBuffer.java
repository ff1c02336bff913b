package io.rtvoice.audio;

import io.rtvoice.internal.audio.Fades;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The jitter buffer between the server's audio deltas and the speaker: 16-bit mono samples at one fixed
 * rate, written in bursts by the network thread and pulled in fixed periods by one audio thread.
 *
 * <h2>States</h2>
 * <pre>
 *  IDLE ──write──▶ PREBUFFERING ──level ≥ target, or endOfStream, or start timeout──▶ PLAYING
 *                                                   PLAYING ──ran dry──▶ REBUFFERING ──level ≥ target──▶ PLAYING
 *  PLAYING / PREBUFFERING / REBUFFERING ──endOfStream──▶ DRAINING ──empty──▶ IDLE
 *  any ──flush──▶ IDLE
 * </pre>
 * A <em>stream</em> runs from the first write after IDLE until it drains after {@link #endOfStream()} or
 * is flushed; call {@code endOfStream()} when the response's audio is done, otherwise the end of the audio
 * is an underrun and the silence after it counts as concealment.
 *
 * <h2>Clock</h2>
 * The reader's calls are the clock: every {@link #read} advances it by the samples handed out, real or
 * silence. Start timeout, latency and delay statistics are measured on it, never on wall time, so a test
 * that replays an arrival trace against a simulated device is exact.
 *
 * <h2>Underruns</h2>
 * While playing, the last {@code underrunFade} samples are held back as a reserve: when a period cannot be
 * filled and still leave the reserve, the buffer plays what it has, fades its last samples out (2–5 ms,
 * default 3 ms) and outputs silence until the target is buffered again; the first samples after the gap
 * are faded in. No sample is dropped, repeated or reordered; faded samples count as played.
 *
 * <h2>Barge-in</h2>
 * {@link #flush()} stops at once: the next read gets at most {@code flushFade} (default 10 ms) of the
 * already-buffered audio, faded out, then silence; the rest is discarded. Those fade samples are counted
 * as played at the moment of the flush, so the returned per-item figures are exact and never exceed what
 * was received. Later writes for the flushed items are ignored, so late deltas of the interrupted item do
 * not play; {@link #ignoreItem(String)} does the same for any item id.
 *
 * <h2>Overflow</h2>
 * Memory is bounded by {@code capacity} (default 5 minutes). A write that does not fit is refused whole
 * and returns {@link WriteResult#OVERFLOW}; the rest of that item is refused too, so the played position
 * of an item always maps onto a gapless prefix of its audio. Refused samples are counted in
 * {@link PlayoutStats#droppedSamples()}. The ring starts at one second and doubles on demand.
 *
 * <h2>Threads</h2>
 * Safe for one writer thread and one reader thread; {@code flush}, {@code endOfStream}, {@code stats} and
 * the queries may be called from any thread. A private monitor guards the state: every critical section is
 * a bounded copy (one delta or one period) plus bookkeeping, never waits for data, does no I/O, and
 * allocates nothing in steady state (new item ids and the rare ring growth allocate). A lock keeps
 * {@code flush()} exact: the reader can never hand out a sample the flush has already counted as
 * unplayed, which a lock-free ring can only promise with a hand-shake on the audio thread.
 * {@code read} never blocks waiting for audio: it always fills the whole period.
 */
public final class PlayoutBuffer {

    /** Where the buffer is in a stream. */
    public enum State {
        /** Nothing buffered and no stream running; reads return silence. */
        IDLE,
        /** A stream has started; reads return silence until the target is buffered. */
        PREBUFFERING,
        /** Reads return buffered audio. */
        PLAYING,
        /** Playback ran dry mid-stream; reads return concealment silence until the target is buffered again. */
        REBUFFERING,
        /** The stream's audio is complete; reads play what is left without a threshold, then the buffer is IDLE. */
        DRAINING
    }

    /** The outcome of a write. */
    public enum WriteResult {
        /** All samples were buffered. */
        ACCEPTED,
        /** The item was flushed or ignored; nothing was buffered. */
        IGNORED,
        /** The samples did not fit (or an earlier part of the item did not); nothing was buffered. */
        OVERFLOW
    }

    /** Items remembered for queries and for ignoring late writes; older ones are forgotten. */
    private static final int TRACKED_ITEMS = 256;
    /** A stream keeps at most this many items before forgetting those that played to their end. */
    private static final int STREAM_ITEMS = 64;
    private static final int ADAPT_UP_MILLIS = 20;
    private static final int ADAPT_DOWN_MILLIS = 5;

    private final Object lock = new Object();

    private final int sampleRate;
    private final int capacitySamples;
    private final int baseTargetSamples;
    private final int maxTargetSamples;
    private final boolean adaptiveTarget;
    private final long startTimeoutSamples;
    private final int fadeSamples;
    private final int flushFadeSamples;

    // The ring holds samples [readPos, writePos) at index pos % ring.length.
    private short[] ring;
    private long readPos;
    private long writePos;

    // Segments: runs of samples from one write (or merged writes of one item at one clock), oldest first.
    private long[] segmentStart = new long[64];
    private long[] segmentArrival = new long[64];
    private ItemAccount[] segmentItem = new ItemAccount[64];
    private int segmentHead;
    private int segmentCount;

    private State state = State.IDLE;
    private int targetSamples;
    private long clock;
    private long streamFirstWriteClock;
    private boolean awaitingFirstSample;
    private int fadeInDone;
    private int underrunsThisStream;

    // The faded-out audio a flush left for the reader.
    private final short[] tail;
    private int tailLength;
    private int tailRead;

    private final Map<String, ItemAccount> items = new ItemTable();
    private final List<ItemAccount> streamItems = new ArrayList<>();

    private long written;
    private long played;
    private long concealed;
    private long discarded;
    private long ignored;
    private long dropped;
    private long underruns;
    private long overflows;
    private long flushes;
    private long peakLevel;
    private long startupLatency = -1;
    private long delaySum;
    private long delayedSamples;
    private long lastDelay;

    // Owned by the single reader thread: the period for byte reads.
    private short[] readScratch = new short[0];

    private PlayoutBuffer(Builder b) {
        sampleRate = b.sampleRate;
        capacitySamples = (int) samples(b.capacityMillis);
        baseTargetSamples = (int) samples(b.targetMillis);
        maxTargetSamples = (int) Math.max(baseTargetSamples, samples(b.maxTargetMillis));
        adaptiveTarget = b.adaptiveTarget;
        startTimeoutSamples = samples(b.startTimeoutMillis);
        fadeSamples = (int) samples(b.underrunFadeMillis);
        flushFadeSamples = (int) samples(b.flushFadeMillis);
        targetSamples = baseTargetSamples;
        fadeInDone = fadeSamples;
        ring = new short[Math.min(capacitySamples, Math.max(sampleRate, 1024))];
        tail = new short[2 * flushFadeSamples];
    }

    /** A builder with the defaults: 24 kHz, 80 ms target, 3 ms underrun fades, 10 ms flush fade, 5 min capacity. */
    public static Builder builder() {
        return new Builder();
    }

    /** A buffer at {@code sampleRate} Hz with every other default. */
    public static PlayoutBuffer create(int sampleRate) {
        return builder().sampleRate(sampleRate).build();
    }

    private long samples(long millis) {
        return millis * sampleRate / 1000;
    }

    // ---------------------------------------------------------------- writer

    /**
     * Appends {@code length} samples of {@code itemId}. The array is copied before the call returns.
     *
     * @return {@link WriteResult#ACCEPTED}, {@link WriteResult#IGNORED} for a flushed or ignored item, or
     *     {@link WriteResult#OVERFLOW} when the samples do not fit the capacity
     */
    public WriteResult write(String itemId, short[] samples, int offset, int length) {
        Objects.requireNonNull(itemId, "itemId");
        Objects.checkFromIndexSize(offset, length, samples.length);
        synchronized (lock) {
            return writeLocked(itemId, samples, null, offset, length);
        }
    }

    /** Appends all of {@code samples}; see {@link #write(String, short[], int, int)}. */
    public WriteResult write(String itemId, short[] samples) {
        return write(itemId, samples, 0, samples.length);
    }

    /**
     * Appends {@code length} bytes of 16-bit little-endian PCM of {@code itemId} (a decoded delta). The
     * array is copied before the call returns.
     *
     * @throws IllegalArgumentException if {@code length} is odd: a torn sample would shift every later one
     */
    public WriteResult write(String itemId, byte[] pcm16le, int offset, int length) {
        Objects.requireNonNull(itemId, "itemId");
        Objects.checkFromIndexSize(offset, length, pcm16le.length);
        int count = Pcm.sampleCount(length);
        synchronized (lock) {
            return writeLocked(itemId, null, pcm16le, offset, count);
        }
    }

    /** Appends all of {@code pcm16le}; see {@link #write(String, byte[], int, int)}. */
    public WriteResult write(String itemId, byte[] pcm16le) {
        return write(itemId, pcm16le, 0, pcm16le.length);
    }

    /**
     * Says that the stream's audio is complete (the response's audio is done): what is buffered plays out
     * without waiting for the target, then the buffer is IDLE. A later write starts a new stream.
     */
    public void endOfStream() {
        synchronized (lock) {
            switch (state) {
                case PREBUFFERING, PLAYING, REBUFFERING -> {
                    if (writePos == readPos) {
                        endStream();
                    } else {
                        state = State.DRAINING;
                    }
                }
                default -> {
                    // IDLE or already DRAINING.
                }
            }
        }
    }

    /**
     * Refuses every later write for {@code itemId} (they return {@link WriteResult#IGNORED}); audio of it that
     * is already buffered still plays, use {@link #flush()} to stop that.
     */
    public void ignoreItem(String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        synchronized (lock) {
            items.computeIfAbsent(itemId, ItemAccount::new).closed = true;
        }
    }

    private WriteResult writeLocked(String itemId, short[] shorts, byte[] bytes, int offset, int count) {
        if (count == 0) {
            return WriteResult.ACCEPTED;
        }
        ItemAccount item = items.get(itemId);
        if (item != null && item.closed) {
            ignored += count;
            return WriteResult.IGNORED;
        }
        if (item != null && item.overflowed) {
            dropped += count;
            return WriteResult.OVERFLOW;
        }
        long level = writePos - readPos;
        if (item == null) {
            item = new ItemAccount(itemId);
            items.put(itemId, item);
        }
        if (level + count > capacitySamples) {
            // Refuse the rest of the item too: its played position must stay a gapless prefix of its audio.
            item.overflowed = true;
            dropped += count;
            overflows++;
            return WriteResult.OVERFLOW;
        }
        ensureRing(level + count);
        if (shorts != null) {
            putShorts(shorts, offset, count);
        } else {
            putBytes(bytes, offset, count);
        }
        addSegment(item);
        if (!item.inStream) {
            joinStream(item);
        }
        writePos += count;
        item.received += count;
        written += count;
        peakLevel = Math.max(peakLevel, level + count);
        switch (state) {
            case IDLE -> {
                state = State.PREBUFFERING;
                streamFirstWriteClock = clock;
                awaitingFirstSample = true;
            }
            // More audio after endOfStream: the stream goes on (a next response), with the reserve again.
            case DRAINING -> state = State.PLAYING;
            default -> {
                // PREBUFFERING, PLAYING, REBUFFERING: the next read decides.
            }
        }
        return WriteResult.ACCEPTED;
    }

    // ---------------------------------------------------------------- reader

    /**
     * Fills {@code out[offset .. offset+length)} with the next period: buffered audio, or silence while
     * pre-buffering, after an underrun or when idle. Never blocks waiting for audio. Call from one thread.
     *
     * @return how many of the samples, from {@code offset} on, are real audio; the rest are silence
     */
    public int read(short[] out, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, out.length);
        if (length == 0) {
            return 0;
        }
        synchronized (lock) {
            return readLocked(out, offset, length);
        }
    }

    /**
     * Fills {@code length} bytes of {@code out} from {@code offset} with the next period as 16-bit
     * little-endian PCM; see {@link #read(short[], int, int)}.
     *
     * @return how many bytes, from {@code offset} on, are real audio
     * @throws IllegalArgumentException if {@code length} is odd
     */
    public int read(byte[] out, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, out.length);
        int count = Pcm.sampleCount(length);
        if (readScratch.length < count) {
            readScratch = new short[count]; // once per larger period size, not per call
        }
        int real = read(readScratch, 0, count);
        Pcm.toBytes(readScratch, 0, out, offset, count);
        return real * 2;
    }

    private int readLocked(short[] out, int offset, int length) {
        int pos = 0;
        if (tailRead < tailLength) {
            int n = Math.min(length, tailLength - tailRead);
            System.arraycopy(tail, tailRead, out, offset, n);
            tailRead += n;
            pos = n;
        }
        int real = pos;
        boolean done = pos == length;
        while (!done) {
            int need = length - pos;
            long level = writePos - readPos;
            switch (state) {
                case PREBUFFERING -> {
                    boolean timedOut = startTimeoutSamples > 0 && level > 0
                            && clock + pos - streamFirstWriteClock >= startTimeoutSamples;
                    if (level > 0 && (level >= targetSamples || timedOut)) {
                        state = State.PLAYING;
                    } else {
                        done = true;
                    }
                }
                case REBUFFERING -> {
                    if (level > 0 && level >= targetSamples) {
                        state = State.PLAYING;
                    } else {
                        concealed += need;
                        done = true;
                    }
                }
                case PLAYING -> {
                    if (level >= (long) need + fadeSamples) {
                        take(out, offset + pos, need, clock + pos);
                        pos = length;
                    } else {
                        // Ran dry: play what is here, fade its end out, conceal the rest with silence.
                        int n = (int) Math.min(level, need);
                        take(out, offset + pos, n, clock + pos);
                        int fade = Math.min(fadeSamples, n);
                        Fades.fadeOut(out, offset + pos + n - fade, fade);
                        pos += n;
                        underruns++;
                        underrunsThisStream++;
                        fadeInDone = 0;
                        state = State.REBUFFERING;
                        concealed += length - pos;
                    }
                    real = pos;
                    done = true;
                }
                case DRAINING -> {
                    int n = (int) Math.min(level, need);
                    take(out, offset + pos, n, clock + pos);
                    pos += n;
                    real = pos;
                    if (writePos == readPos) {
                        endStream();
                    }
                    done = true;
                }
                case IDLE -> done = true;
            }
        }
        Arrays.fill(out, offset + real, offset + length, (short) 0);
        clock += length;
        return real;
    }

    /** Moves {@code n} samples to {@code out}, the first of them read at reader clock {@code emitClock}. */
    private void take(short[] out, int offset, int n, long emitClock) {
        getShorts(readPos, out, offset, n);
        if (fadeInDone < fadeSamples) {
            fadeInDone += Fades.fadeIn(out, offset, n, fadeInDone, fadeSamples);
        }
        int remaining = n;
        long p = readPos;
        while (remaining > 0) {
            int h = segmentHead;
            long end = segmentCount > 1 ? segmentStart[(h + 1) % segmentStart.length] : writePos;
            int span = (int) Math.min(remaining, end - p);
            segmentItem[h].played += span;
            long firstDelay = emitClock + (p - readPos) - segmentArrival[h];
            delaySum += span * firstDelay + (long) span * (span - 1) / 2;
            delayedSamples += span;
            lastDelay = firstDelay + span - 1;
            if (awaitingFirstSample) {
                startupLatency = firstDelay;
                awaitingFirstSample = false;
            }
            p += span;
            remaining -= span;
            if (p == end) {
                popSegment();
            }
        }
        readPos += n;
        played += n;
    }

    // ---------------------------------------------------------------- barge-in

    /**
     * Stops playback for barge-in: keeps at most {@code flushFade} of the buffered audio as a fade-out
     * that the next read returns (only if audio was audible), discards the rest, and reports for every item
     * of the stream how much was played, those fade samples included. Later writes for those items are
     * ignored. The buffer is IDLE afterwards; a write for a new item starts a new stream.
     */
    public FlushResult flush() {
        synchronized (lock) {
            flushes++;
            int fade = 0;
            if ((state == State.PLAYING || state == State.DRAINING) && flushFadeSamples > 0) {
                fade = (int) Math.min(writePos - readPos, flushFadeSamples);
                // A fade still pending from an earlier flush plays first.
                int pending = tailLength - tailRead;
                System.arraycopy(tail, tailRead, tail, 0, pending);
                tailRead = 0;
                take(tail, pending, fade, clock + pending);
                Fades.fadeOut(tail, pending, fade);
                tailLength = pending + fade;
            }
            long thrownAway = writePos - readPos;
            discarded += thrownAway;
            readPos = writePos;
            while (segmentCount > 0) {
                popSegment();
            }
            List<ItemPlayout> result = new ArrayList<>(streamItems.size());
            for (ItemAccount item : streamItems) {
                result.add(new ItemPlayout(item.id, item.received, item.played, sampleRate));
                item.closed = true;
            }
            endStream();
            return new FlushResult(result, thrownAway, fade, sampleRate);
        }
    }

    // ---------------------------------------------------------------- queries

    /** The current state. */
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * Samples of {@code itemId} handed to the reader so far (including flush fade samples); 0 for an item
     * the buffer does not know or no longer remembers. Subtract what the device has not played yet to get
     * the audible position.
     */
    public long playedSamples(String itemId) {
        synchronized (lock) {
            ItemAccount item = items.get(Objects.requireNonNull(itemId, "itemId"));
            return item == null ? 0 : item.played;
        }
    }

    /** Samples of {@code itemId} accepted so far; 0 for an unknown item. */
    public long receivedSamples(String itemId) {
        synchronized (lock) {
            ItemAccount item = items.get(Objects.requireNonNull(itemId, "itemId"));
            return item == null ? 0 : item.received;
        }
    }

    /** The rate of the samples, in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    /** A snapshot of the counters. */
    public PlayoutStats stats() {
        synchronized (lock) {
            return new PlayoutStats(state, sampleRate, targetSamples, writePos - readPos, peakLevel, written, played,
                    concealed, discarded, ignored, dropped, clock, underruns, overflows, flushes, startupLatency,
                    delayedSamples == 0 ? 0 : (double) delaySum / delayedSamples, lastDelay);
        }
    }

    /** Describes the state and level, never the audio. */
    @Override
    public String toString() {
        synchronized (lock) {
            return "PlayoutBuffer[" + state + ", " + (writePos - readPos) + " samples buffered at " + sampleRate + " Hz]";
        }
    }

    // ---------------------------------------------------------------- internals

    private void endStream() {
        state = State.IDLE;
        if (adaptiveTarget) {
            // Between responses only, never mid-utterance: up fast after underruns, down slowly when clean.
            targetSamples = underrunsThisStream > 0
                    ? (int) Math.min(maxTargetSamples, targetSamples + underrunsThisStream * samples(ADAPT_UP_MILLIS))
                    : (int) Math.max(baseTargetSamples, targetSamples - samples(ADAPT_DOWN_MILLIS));
        }
        underrunsThisStream = 0;
        fadeInDone = fadeSamples;
        awaitingFirstSample = false;
        for (ItemAccount item : streamItems) {
            item.inStream = false;
        }
        streamItems.clear();
    }

    private void joinStream(ItemAccount item) {
        if (streamItems.size() >= STREAM_ITEMS) {
            // A stream that is never ended must not grow without bound: forget items that played to the end.
            for (Iterator<ItemAccount> it = streamItems.iterator(); it.hasNext(); ) {
                ItemAccount old = it.next();
                if (old.played == old.received) {
                    old.inStream = false;
                    it.remove();
                }
            }
        }
        item.inStream = true;
        streamItems.add(item);
    }

    private void addSegment(ItemAccount item) {
        if (segmentCount > 0) {
            int last = (segmentHead + segmentCount - 1) % segmentStart.length;
            if (segmentItem[last] == item && segmentArrival[last] == clock) {
                return; // same item, same instant: one run
            }
        }
        if (segmentCount == segmentStart.length) {
            growSegments();
        }
        int at = (segmentHead + segmentCount) % segmentStart.length;
        segmentStart[at] = writePos;
        segmentArrival[at] = clock;
        segmentItem[at] = item;
        segmentCount++;
    }

    private void popSegment() {
        segmentItem[segmentHead] = null;
        segmentHead = (segmentHead + 1) % segmentStart.length;
        segmentCount--;
    }

    private void growSegments() {
        int n = segmentStart.length;
        long[] start = new long[2 * n];
        long[] arrival = new long[2 * n];
        ItemAccount[] item = new ItemAccount[2 * n];
        for (int i = 0; i < segmentCount; i++) {
            int from = (segmentHead + i) % n;
            start[i] = segmentStart[from];
            arrival[i] = segmentArrival[from];
            item[i] = segmentItem[from];
        }
        segmentStart = start;
        segmentArrival = arrival;
        segmentItem = item;
        segmentHead = 0;
    }

    private void ensureRing(long required) {
        if (required <= ring.length) {
            return;
        }
        int size = (int) Math.min(capacitySamples, Math.max(required, 2L * ring.length));
        short[] bigger = new short[size];
        for (long p = readPos; p < writePos; ) {
            int from = (int) (p % ring.length);
            int to = (int) (p % size);
            int n = (int) Math.min(writePos - p, Math.min(ring.length - from, size - to));
            System.arraycopy(ring, from, bigger, to, n);
            p += n;
        }
        ring = bigger;
    }

    private void putShorts(short[] src, int offset, int count) {
        int at = (int) (writePos % ring.length);
        int first = Math.min(count, ring.length - at);
        System.arraycopy(src, offset, ring, at, first);
        System.arraycopy(src, offset + first, ring, 0, count - first);
    }

    private void putBytes(byte[] src, int offset, int count) {
        int at = (int) (writePos % ring.length);
        int first = Math.min(count, ring.length - at);
        Pcm.toShorts(src, offset, ring, at, first);
        Pcm.toShorts(src, offset + 2 * first, ring, 0, count - first);
    }

    private void getShorts(long from, short[] dst, int offset, int count) {
        int at = (int) (from % ring.length);
        int first = Math.min(count, ring.length - at);
        System.arraycopy(ring, at, dst, offset, first);
        System.arraycopy(ring, 0, dst, offset + first, count - first);
    }

    /** What the buffer knows about one item. Guarded by the buffer's lock. */
    private static final class ItemAccount {
        final String id;
        long received;
        long played;
        boolean closed;
        boolean overflowed;
        boolean inStream;

        ItemAccount(String id) {
            this.id = id;
        }
    }

    /** Item accounts by id, least recently used forgotten first. */
    private static final class ItemTable extends LinkedHashMap<String, ItemAccount> {
        private static final long serialVersionUID = 1L;

        ItemTable() {
            super(32, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ItemAccount> eldest) {
            return size() > TRACKED_ITEMS;
        }
    }

    /** Configuration of a {@link PlayoutBuffer}; all durations in milliseconds. */
    public static final class Builder {
        private int sampleRate;
        private int targetMillis = 80;
        private int maxTargetMillis = 300;
        private boolean adaptiveTarget;
        private int startTimeoutMillis;
        private int underrunFadeMillis = 3;
        private int flushFadeMillis = 10;
        private int capacityMillis = 5 * 60 * 1000;

        private Builder() {
        }

        /** Rate of the samples written and read, in Hz: required (a voice session uses its wire format's). */
        public Builder sampleRate(int sampleRate) {
            if (sampleRate < 1 || sampleRate > AudioFormat.MAX_SAMPLE_RATE) {
                throw new IllegalArgumentException("sampleRate : " + sampleRate + " Hz (expected: 1.." + AudioFormat.MAX_SAMPLE_RATE + ")");
            }
            this.sampleRate = sampleRate;
            return this;
        }

        /** Audio buffered before playback starts and after an underrun, in ms (default 80, NetEq's start delay). */
        public Builder targetMillis(int targetMillis) {
            this.targetMillis = requireRange("targetMillis", targetMillis, 0, 10_000);
            return this;
        }

        /**
         * Lets the target grow by 20 ms per underrun of a stream, up to {@code maxTargetMillis}, and shrink by
         * 5 ms after each stream without one, down to {@code targetMillis}; applied between streams only
         * (default off).
         */
        public Builder adaptiveTarget(boolean adaptiveTarget) {
            this.adaptiveTarget = adaptiveTarget;
            return this;
        }

        /** Upper bound of the adaptive target, in ms (default 300). */
        public Builder maxTargetMillis(int maxTargetMillis) {
            this.maxTargetMillis = requireRange("maxTargetMillis", maxTargetMillis, 0, 10_000);
            return this;
        }

        /**
         * Starts playing a stream this long (reader clock) after its first write even if the target is not
         * buffered yet, in ms; 0 (default) waits for the target or {@link PlayoutBuffer#endOfStream()}.
         */
        public Builder startTimeoutMillis(int startTimeoutMillis) {
            this.startTimeoutMillis = requireRange("startTimeoutMillis", startTimeoutMillis, 0, 10_000);
            return this;
        }

        /** Length of the fade-out before and fade-in after an underrun, in ms (default 3; 0 disables). */
        public Builder underrunFadeMillis(int underrunFadeMillis) {
            this.underrunFadeMillis = requireRange("underrunFadeMillis", underrunFadeMillis, 0, 50);
            return this;
        }

        /** Length of the fade-out after {@link PlayoutBuffer#flush()}, in ms (default 10; 0 cuts at once). */
        public Builder flushFadeMillis(int flushFadeMillis) {
            this.flushFadeMillis = requireRange("flushFadeMillis", flushFadeMillis, 0, 100);
            return this;
        }

        /** Most audio the buffer holds, in ms (default 300000, 5 minutes); writes beyond it overflow. */
        public Builder capacityMillis(int capacityMillis) {
            this.capacityMillis = requireRange("capacityMillis", capacityMillis, 1, 60 * 60 * 1000);
            return this;
        }

        /**
         * Builds the buffer.
         *
         * @throws IllegalArgumentException if the capacity is smaller than the target or exceeds 2^31 samples
         */
        public PlayoutBuffer build() {
            if (sampleRate == 0) {
                throw new IllegalStateException("sampleRate : not set (expected: the rate of the audio, in Hz)");
            }
            if ((long) capacityMillis * sampleRate / 1000 > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("capacityMillis : " + capacityMillis + " at " + sampleRate
                        + " Hz (expected: at most 2^31 samples)");
            }
            if ((long) capacityMillis * sampleRate / 1000 < 1) {
                throw new IllegalArgumentException("capacityMillis : " + capacityMillis + " at " + sampleRate
                        + " Hz (expected: at least one sample)");
            }
            if (capacityMillis < Math.max(targetMillis, adaptiveTarget ? maxTargetMillis : 0)) {
                throw new IllegalArgumentException("capacityMillis : " + capacityMillis
                        + " (expected: >= the target, " + Math.max(targetMillis, adaptiveTarget ? maxTargetMillis : 0) + ")");
            }
            return new PlayoutBuffer(this);
        }

        private static int requireRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " : " + value + " (expected: " + min + ".." + max + ")");
            }
            return value;
        }
    }
}
