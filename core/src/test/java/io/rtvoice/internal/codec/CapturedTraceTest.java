package io.rtvoice.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every event of a real GA capture decodes to a known record, with no error. */
class CapturedTraceTest {

    @Test
    void everyLineOfTheCapturedGaTraceDecodesWithoutUnknownOrError() throws Exception {
        EventCodec codec = EventCodec.of(Dialect.GA);
        List<String> lines = Files.readAllLines(SpecReference.specDir().resolve("captured-ga-gpt-realtime-trace-2025-12.jsonl"));
        List<ServerEvent> events = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("{\"_")) {
                continue; // the file's annotations ("_source", "_note"), not events
            }
            events.add(codec.decodeServerEvent(line));
        }

        assertThat(events).hasSizeGreaterThanOrEqualTo(10);
        assertThat(events).noneMatch(e -> e instanceof ServerEvent.Unknown);
        assertThat(events.get(0)).isInstanceOfSatisfying(ServerEvent.SessionCreated.class, created -> {
            assertThat(created.session().type()).isEqualTo("realtime");
            assertThat(created.session().voice().name()).isEqualTo("alloy");
            assertThat(created.session().turnDetection().silenceDurationMs()).isEqualTo(200);
        });
        assertThat(events).anyMatch(e -> e instanceof ServerEvent.ResponseOutputAudioTranscriptDelta);
    }
}
