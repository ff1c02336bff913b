package io.rtvoice.internal.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rtvoice.Dialect;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.EventEncodeException;
import io.rtvoice.event.ServerEvent;

/**
 * Whatever bytes arrive, decoding ends in an event or an {@link EventDecodeException}, and an event that
 * decoded encodes again (or is refused with {@link EventEncodeException}, the documented outcome for a
 * setting the dialect cannot express). Any other throwable is a crash.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds in {@code DecoderFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (the build does so for a short bounded run).
 */
class DecoderFuzzTest {

    private static final EventCodec GA = EventCodec.builder().dialect(Dialect.GA).maxFrameBytes(1 << 16).build();
    private static final EventCodec PREVIEW = EventCodec.builder().dialect(Dialect.PREVIEW).maxFrameBytes(1 << 16).build();

    @FuzzTest(maxDuration = "20s")
    void decodersFailOnlyWithTypedErrors(FuzzedDataProvider data) {
        boolean preview = data.consumeBoolean();
        byte[] frame = data.consumeRemainingAsBytes();
        EventCodec codec = preview ? PREVIEW : GA;
        try {
            ServerEvent event = codec.decodeServerEvent(frame);
            codec.encode(event);
        } catch (EventDecodeException | EventEncodeException expected) {
            // the typed outcomes
        }
        try {
            ClientEvent event = codec.decodeClientEvent(frame);
            codec.encode(event);
        } catch (EventDecodeException | EventEncodeException expected) {
            // the typed outcomes
        }
    }
}
