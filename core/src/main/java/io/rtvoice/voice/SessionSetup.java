package io.rtvoice.voice;

import io.rtvoice.conversation.Conversation;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The app's hand on each voice session that an end opens for a remote user — a web page of the relay, a SIP call
 * of the gateway, a carrier's media stream: called once per session, after its conversation is connected and
 * before the voice session starts, so that tools registered on the conversation are offered with the first
 * {@code session.update}.
 *
 * <pre>{@code
 * .setup((id, conversation, voice) -> {
 *     conversation.tool("lookup_order", "Looks an order up by its number", schema, args -> orders.find(args));
 *     voice.transcripts().subscribe(line -> log.info(id + " " + line));
 *     return Mono.empty();
 * })
 * }</pre>
 *
 * <p>To have the model speak first (a greeting on the phone), answer once the service has the configuration:
 * {@code conversation.events().ofType(ServerEvent.SessionUpdated.class).next().flatMap(u -> conversation.respond())
 * .subscribe()}.
 */
@FunctionalInterface
public interface SessionSetup {

    /** Nothing to set up: the session starts at once. */
    SessionSetup NONE = (id, conversation, voice) -> Mono.empty();

    /** How long a setup may take before its session is given up. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Sets up one session. The session starts when the returned Mono completes (empty: at once); an error, or no
     * completion within 10 s, ends it as a session the service could not start. Runs on a connection's thread: it
     * must not block.
     *
     * @param id the end's name for the session, the one its events and summaries carry: the relay's page session id,
     *     the SIP Call-ID, a media stream's call id
     * @param conversation the session's conversation: tools, events, items, responses
     * @param voice the voice session, not yet started: transcripts, latency, speech, interruptions
     */
    Mono<Void> setUp(String id, Conversation conversation, VoiceSession voice);

    /** Runs this setup for {@code voice}, then starts it: what each end does with its sessions. */
    default Mono<VoiceSession> start(String id, Conversation conversation, VoiceSession voice) {
        return Mono.defer(() -> setUp(id, conversation, voice)).timeout(TIMEOUT).then(Mono.defer(voice::start));
    }
}
