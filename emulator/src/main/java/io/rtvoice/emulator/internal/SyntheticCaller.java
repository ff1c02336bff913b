package io.rtvoice.emulator.internal;

import io.rtvoice.audio.Resampler;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The person on the phone: once the call's sideband session starts, speaks the call's voice into the session's
 * input audio buffer at real-time pace, 20 ms a chunk, as audio arriving over SIP would (in the session's input
 * format, resampled and G.711-encoded as needed); then {@value #TRAILING_SILENCE_MS} ms of silence, so that server
 * VAD hears the turn end; then presses its keys, one every {@value #KEY_GAP_MS} ms
 * ({@code input_audio_buffer.dtmf_event_received}). It hangs up once it has pressed its keys and a response that
 * started after it spoke is done (at once, when turn detection is off and no response can come).
 * Runs on the session's event loop only.
 */
final class SyntheticCaller {

    static final int CHUNK_MS = 20;
    static final int TRAILING_SILENCE_MS = 800;
    static final int KEY_GAP_MS = 100;

    private final EmulatedCall call;
    private final EmulatedSession session;
    private byte[] audio;
    private int bytesPerChunk;
    private int sent;
    private int chunks;
    private ScheduledFuture<?> speaking;
    private boolean keysPressed;
    private boolean answered;
    private String answer;
    private boolean stopped;

    SyntheticCaller(EmulatedCall call, EmulatedSession session) {
        this.call = call;
        this.session = session;
    }

    void start() {
        RealtimeAudioFormat format = session.config().audio().input().format();
        int rate = format.sampleRateHz();
        short[] samples = call.rateHz() == rate ? call.voice() : Resampler.convert(call.voice(), call.rateHz(), rate);
        short[] padded = java.util.Arrays.copyOf(samples, samples.length + rate * TRAILING_SILENCE_MS / 1000);
        audio = format.encode(padded, 0, padded.length);
        bytesPerChunk = format.bytesPerSample() * rate * CHUNK_MS / 1000;
        chunks = 0;
        speaking = session.out().executor().scheduleAtFixedRate(this::speak, 0, CHUNK_MS, TimeUnit.MILLISECONDS);
    }

    private void speak() {
        if (stopped) {
            return;
        }
        int end = Math.min(audio.length, sent + bytesPerChunk);
        session.input().append(new ClientEvent.InputAudioBufferAppend(null, java.util.Arrays.copyOfRange(audio, sent, end)));
        sent = end;
        chunks++;
        if (sent >= audio.length) {
            speaking.cancel(false);
            pressKeys(0);
        }
    }

    private void pressKeys(int index) {
        if (stopped) {
            return;
        }
        if (index >= call.dtmf().length()) {
            keysPressed = true;
            hangUpIfDone();
            return;
        }
        session.emit(new ServerEvent.InputAudioBufferDtmfEventReceived(null, String.valueOf(call.dtmf().charAt(index)),
                System.currentTimeMillis() / 1000));
        session.out().executor().schedule(() -> pressKeys(index + 1), KEY_GAP_MS, TimeUnit.MILLISECONDS);
    }

    /** A response started: once the caller has begun to speak, it is the answer the caller waits for. */
    void responseCreated(String responseId) {
        if (chunks > 0 && answer == null) {
            answer = responseId;
        }
    }

    /** A response of the session finished (its {@code output_audio_buffer.stopped} is sent). */
    void responseDone(String responseId) {
        if (responseId != null && responseId.equals(answer)) {
            answered = true;
        }
        hangUpIfDone();
    }

    private void hangUpIfDone() {
        boolean noAnswerComing = session.config().turnDetection() == null || session.config().turnDetection().type() == null;
        if (!stopped && keysPressed && (answered || noAnswerComing)) {
            stopped = true;
            // After the events already queued on the loop (the response's last ones) are written.
            session.out().executor().execute(() -> call.end("the caller hung up"));
        }
    }

    void stop() {
        stopped = true;
        if (speaking != null) {
            speaking.cancel(false);
        }
    }
}
