package io.rtvoice.emulator.internal;

import io.rtvoice.emulator.Responder;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.SessionConfig;

/**
 * One session's responses: at most one active in the default conversation, any number out of band
 * ({@code conversation: "none"}) beside it; {@code response.create} and {@code response.cancel} with the
 * service's rules. Each response runs as a {@link ResponseRun}. Not thread-safe: it runs on the
 * connection's event loop.
 */
final class Responses {

    private final EmulatedSession session;
    /** The response of the default conversation in flight, or {@code null}. */
    private ResponseRun active;

    Responses(EmulatedSession session) {
        this.session = session;
    }

    void create(ClientEvent.ResponseCreate create) {
        boolean outOfBand = create.response() != null && "none".equals(create.response().conversation());
        if (!outOfBand && active != null && active.inDefaultConversation()) {
            session.error(create.eventId(), "invalid_request_error", "conversation_already_has_active_response",
                    "Conversation already has an active response in progress: " + active.id()
                            + ". Wait until the response is finished before creating a new one.", null);
            return;
        }
        start(create.response(), !outOfBand);
    }

    void cancel(ClientEvent.ResponseCancel cancel) {
        if (active == null || (cancel.responseId() != null && !cancel.responseId().equals(active.id()))) {
            session.error(cancel.eventId(), "invalid_request_error", "response_cancel_not_active",
                    "Cancellation failed: no active response found", null);
        } else {
            active.cancel("client_cancelled");
        }
    }

    /** Asks the responder for a reply to the conversation as it stands and starts sending it. */
    void start(ResponseParams params, boolean defaultConversation) {
        // The response's own instructions, tools, tool_choice and limits stand in for the session's: the responder sees them.
        SessionConfig config = SessionConfigs.forResponse(session.config(), params);
        Responder.Reply reply = session.faults().failResponses() ? null
                : session.settings().responder().reply(session.items().turn(config, params != null ? params.input() : null));
        ResponseRun run = new ResponseRun(session, session.nextId("resp"), params, config, reply, defaultConversation);
        if (defaultConversation) {
            active = run;
        }
        run.start();
    }

    /** New speech cuts the default conversation's response short ({@code turn_detected}). */
    void interrupt() {
        if (active != null && active.inDefaultConversation()) {
            active.cancel("turn_detected");
        }
    }

    /** Whether a response of the default conversation is in flight. */
    boolean running() {
        return active != null;
    }

    /** Called by each run when its {@code response.done} is sent. */
    void finished(ResponseRun run) {
        if (active == run) {
            active = null;
            session.input().responseEnded();
        }
    }

    /** The connection is gone: stops the active response without sending anything. */
    void stop() {
        if (active != null) {
            active.stop();
        }
    }
}
