package io.rtvoice.examples;

import io.rtvoice.event.SessionConfig;
import picocli.CommandLine.Option;

/** {@code --instructions} and {@code --voice}: the session every call of a phone program starts with. A picocli mixin. */
final class CallSessionOptions {

    @Option(names = "--instructions", defaultValue = "You are a helpful assistant on the phone. Keep answers short.",
            description = "The system message of every call (default: ${DEFAULT-VALUE}).")
    String instructions;

    @Option(names = "--voice", description = "The model's voice, e.g. alloy, verse.")
    String voice;

    /** The session of every call. */
    SessionConfig session() {
        SessionConfig.Builder session = SessionConfig.builder().instructions(instructions);
        if (voice != null) {
            session.voice(voice);
        }
        return session.build();
    }
}
