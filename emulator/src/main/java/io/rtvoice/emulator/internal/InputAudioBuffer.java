package io.rtvoice.emulator.internal;

import io.rtvoice.Dialect;
import io.rtvoice.audio.Pcm;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.Item;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.Transcription;
import io.rtvoice.event.TurnDetection;
import java.util.List;
import java.util.Locale;

/**
 * One session's {@code input_audio_buffer}: append, commit and clear, and the server VAD over what is
 * appended (speech started and stopped, the commit and response a turn makes, the idle timeout), on the
 * session's input timeline. Not thread-safe: it runs on the connection's event loop.
 */
final class InputAudioBuffer {

    /** The service's cap on one {@code input_audio_buffer.append}, in bytes. */
    static final int MAX_APPEND_BYTES = 15 * 1024 * 1024;
    /** The service's minimum for a commit, in ms. */
    static final int MIN_COMMIT_MS = 100;

    private final EmulatedSession session;
    private final Timeline timeline = new Timeline();
    private VoiceActivityDetector vad;
    /** Input-timeline ms at which the current detector started: its own timeline starts at 0. */
    private long vadOffsetMs;
    private String speechItemId;
    private long speechStartMs;
    /** Input-timeline ms since which nobody spoke and no response ran; -1 while someone does. */
    private long idleSinceMs;

    InputAudioBuffer(EmulatedSession session) {
        this.session = session;
    }

    /** Follows the session's {@code turn_detection}: a new detector, or none when it is off. */
    void turnDetection(TurnDetection td) {
        if (td == null || td.disabled()) {
            vad = null;
            return;
        }
        double threshold = td.threshold() != null ? td.threshold() : 0.5;
        int prefix = td.prefixPaddingMs() != null ? td.prefixPaddingMs() : 300;
        int silence = td.silenceDurationMs() != null ? td.silenceDurationMs() : "semantic_vad".equals(td.type())
                ? switch (td.eagerness() == null ? "auto" : td.eagerness()) {
                    case "high" -> 300;
                    case "low" -> 800;
                    default -> 500;
                }
                : 500;
        vad = new VoiceActivityDetector(threshold, prefix, silence);
        vadOffsetMs = timeline.timelineMs();
        vad.bufferStartedAt(Math.max(0, timeline.bufferStartMs() - vadOffsetMs));
    }

    /** A response of the default conversation ended: silence from now on counts towards the idle timeout. */
    void responseEnded() {
        idleSinceMs = timeline.timelineMs();
    }

    /**
     * G.711 audio (8 kHz) for the VAD, which listens at 24 kHz: each sample is held for three. The VAD
     * judges energy, which holding keeps, and the timeline stays exact to the sample.
     */
    private static byte[] at24k(short[] narrow) {
        short[] wide = new short[narrow.length * 3];
        for (int i = 0; i < narrow.length; i++) {
            wide[3 * i] = narrow[i];
            wide[3 * i + 1] = narrow[i];
            wide[3 * i + 2] = narrow[i];
        }
        return Pcm.toBytes(wide);
    }

    void append(ClientEvent.InputAudioBufferAppend append) {
        byte[] audio = append.audio();
        if (audio.length > MAX_APPEND_BYTES) {
            session.error(append.eventId(), "invalid_request_error", "invalid_value",
                    "Audio chunk of " + audio.length + " bytes exceeds the maximum of 15 MiB.", "audio");
            return;
        }
        RealtimeAudioFormat format = session.config().audio().input().format();
        boolean pcm = "audio/pcm".equals(format.type());
        timeline.append(audio, pcm ? 48 : 8);
        if (vad == null) {
            return;
        }
        byte[] heard = pcm ? audio : at24k(format.decode(audio));
        for (VoiceActivityDetector.Transition t : vad.append(heard, 0, heard.length)) {
            if (t.kind() == VoiceActivityDetector.Transition.Kind.SPEECH_STARTED) {
                idleSinceMs = -1;
                speechItemId = session.nextId("item");
                speechStartMs = t.audioMs() + vadOffsetMs;
                session.emit(new ServerEvent.InputAudioBufferSpeechStarted(session.nextEventId(), (int) speechStartMs, speechItemId));
                if (!Boolean.FALSE.equals(session.config().turnDetection().interruptResponse())) {
                    session.responses().interrupt();
                }
            } else {
                String itemId = speechItemId != null ? speechItemId : session.nextId("item");
                session.emit(new ServerEvent.InputAudioBufferSpeechStopped(session.nextEventId(), (int) (t.audioMs() + vadOffsetMs), itemId));
                speechItemId = null;
                idleSinceMs = t.audioMs() + vadOffsetMs;
                int spokenMs = (int) (t.audioMs() + vadOffsetMs - speechStartMs);
                if (commitAs(itemId, null, spokenMs) && !Boolean.FALSE.equals(session.config().turnDetection().createResponse())) {
                    session.responses().start(null, true);
                }
            }
        }
        checkIdleTimeout();
    }

    /**
     * With {@code idle_timeout_ms}, silence that long (on the input timeline, with no response running)
     * triggers a turn: {@code input_audio_buffer.timeout_triggered}, a commit, and a response.
     */
    private void checkIdleTimeout() {
        TurnDetection td = session.config().turnDetection();
        Integer idle = td == null || td.disabled() ? null : td.idleTimeoutMs();
        long now = timeline.timelineMs();
        if (idle == null || vad == null || vad.speaking() || session.responses().running() || idleSinceMs < 0
                || now - idleSinceMs < idle) {
            return;
        }
        String itemId = session.nextId("item");
        session.emit(new ServerEvent.InputAudioBufferTimeoutTriggered(session.nextEventId(), (int) idleSinceMs, (int) now, itemId));
        int idleMs = (int) (now - idleSinceMs);
        idleSinceMs = -1;
        if (commitAs(itemId, null, idleMs) && !Boolean.FALSE.equals(td.createResponse())) {
            session.responses().start(null, true);
        }
    }

    void commit(String eventId) {
        if (commitAs(session.nextId("item"), eventId, timeline.bufferedMs()) && vad != null) {
            vad.reset();
        }
    }

    void clear() {
        timeline.clear();
        if (vad != null) {
            vad.reset();
            vad.bufferStartedAt(timeline.timelineMs() - vadOffsetMs);
        }
        session.emit(new ServerEvent.InputAudioBufferCleared(session.nextEventId()));
    }

    /**
     * Turns the buffer into user item {@code itemId} holding {@code ms} of audio (all of it on a manual
     * commit; from speech start to speech end on a VAD commit); false (after an error event) if the
     * buffer holds less than the service's minimum.
     */
    private boolean commitAs(String itemId, String eventId, int ms) {
        int buffered = timeline.bufferedMs();
        if (buffered < MIN_COMMIT_MS) {
            session.error(eventId, "invalid_request_error", "input_audio_buffer_commit_empty",
                    String.format(Locale.ROOT, "Error committing input audio buffer: buffer too small. Expected at least "
                            + "100ms of audio, but buffer only has %.2fms of audio.", (double) buffered), null);
            return false;
        }
        timeline.clear();
        if (vad != null) {
            vad.bufferStartedAt(timeline.timelineMs() - vadOffsetMs);
        }
        ConversationItems items = session.items();
        String previous = items.lastItemId();
        Item item = items.addInputAudio(itemId, ms);
        session.emit(new ServerEvent.InputAudioBufferCommitted(session.nextEventId(), previous, itemId));
        items.announce(previous, item, true);
        transcribe(item, ms);
        return true;
    }

    /**
     * With transcription on, the transcript of user audio is its duration, in words (deterministic), silence
     * included: clients' tests commit silence and expect its transcript. The {@code fail_transcription} fault
     * gets {@code …transcription.failed} ({@code audio_unintelligible}) instead, and the item keeps no transcript.
     * A diarizing model ({@code gpt-4o-transcribe-diarize}, GA) also sends the transcript as one
     * {@code …transcription.segment} of speaker {@code spk_1}.
     */
    private void transcribe(Item item, int ms) {
        InputTranscription t = session.config().audio().input().transcription();
        if (t == null || t.disabled()) {
            return;
        }
        if (session.faults().failTranscriptions()) {
            session.emit(new ServerEvent.ConversationItemInputAudioTranscriptionFailed(session.nextEventId(), item.id(), 0,
                    new RealtimeError("transcription_error", "audio_unintelligible", "The audio could not be transcribed.", null, null)));
            return;
        }
        String transcript = "audio of " + ms + " milliseconds";
        session.emit(new ServerEvent.ConversationItemInputAudioTranscriptionDelta(session.nextEventId(), item.id(), 0, transcript, null));
        if (session.dialect() == Dialect.GA && t.model() != null && t.model().contains("diarize")) {
            session.emit(new ServerEvent.ConversationItemInputAudioTranscriptionSegment(session.nextEventId(), item.id(), 0, transcript,
                    "seg_0001", "spk_1", 0.0, ms / 1000.0));
        }
        session.emit(new ServerEvent.ConversationItemInputAudioTranscriptionCompleted(session.nextEventId(), item.id(), 0, transcript,
                null, null, session.dialect() == Dialect.GA ? new Transcription.Usage("duration", null, null, null, null, ms / 1000.0) : null));
        session.items().replace(item.withContent(List.of(new ContentPart("input_audio", null, null, transcript, null, null, null))));
    }

    /**
     * The appended input, as positions on the session's input timeline: the buffer is what lies between
     * the last commit or clear and now (the emulator needs its length, not its samples).
     */
    private static final class Timeline {
        private int bytesPerMs = 48;
        private long timelineBytes;
        private long bufferStartBytes;

        void append(byte[] audio, int bytesPerMs) {
            this.bytesPerMs = bytesPerMs;
            timelineBytes += audio.length;
        }

        void clear() {
            bufferStartBytes = timelineBytes;
        }

        int bufferedMs() {
            return (int) ((timelineBytes - bufferStartBytes) / bytesPerMs);
        }

        long timelineMs() {
            return timelineBytes / bytesPerMs;
        }

        long bufferStartMs() {
            return bufferStartBytes / bytesPerMs;
        }
    }
}
