package io.rtvoice.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.emulator.Responder;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import java.util.List;

/**
 * The output of a response whose reply is an {@link Responder.Reply.McpCall}: either an
 * {@code mcp_approval_request} item (the server's {@code require_approval} asks for one and the call is not
 * approved yet), which ends the response until the client answers with an {@code mcp_approval_response}
 * item and asks for a new response; or the call itself:
 * <pre>
 *   output_item.added (mcp_call) ─▶ mcp_call_arguments.delta ×2 ─▶ .done ─▶ mcp_call.in_progress
 *       ─▶ (the MCP server answers) ─▶ mcp_call.completed | mcp_call.failed ─▶ output_item.done ─▶ response.done
 * </pre>
 * The response ends with the call (the real model would go on to speak in the same response; here a new
 * response says what the tool answered). The call runs off the event loop ({@link McpTools}); a response
 * cancelled meanwhile has ended, and the late outcome is dropped.
 */
final class McpCallRun {

    private final EmulatedSession session;
    private final ResponseRun run;
    private final Responder.Reply.McpCall call;
    private final String previousItemId;

    McpCallRun(EmulatedSession session, ResponseRun run, Responder.Reply.McpCall call, String previousItemId) {
        this.session = session;
        this.run = run;
        this.call = call;
        this.previousItemId = previousItemId;
    }

    void start() {
        if (session.dialect() == io.rtvoice.Dialect.PREVIEW) {
            run.end(List.of()); // MCP is GA only: the preview protocol has none of its events or items
            return;
        }
        if (call.approvalRequestId() == null && session.mcp().approvalRequired(call.serverLabel(), call.name())) {
            Item request = new Item(session.nextId("mcpr"), "mcp_approval_request", null, null, null, null, null,
                    call.name(), call.arguments(), null, call.serverLabel(), null, null, null, null, null);
            added(request);
            done(request);
            return;
        }
        String itemId = session.nextId("mcp");
        Item started = callItem(itemId, "", null, null);
        added(started);
        String args = call.arguments();
        int half = args.length() / 2;
        session.emit(new ServerEvent.ResponseMcpCallArgumentsDelta(session.nextEventId(), run.id(), itemId, 0, args.substring(0, half), null));
        session.emit(new ServerEvent.ResponseMcpCallArgumentsDelta(session.nextEventId(), run.id(), itemId, 0, args.substring(half), null));
        session.emit(new ServerEvent.ResponseMcpCallArgumentsDone(session.nextEventId(), run.id(), itemId, 0, args));
        session.emit(new ServerEvent.ResponseMcpCallInProgress(session.nextEventId(), 0, itemId));
        session.mcp().call(call.serverLabel(), call.name(), args, output -> {
            if (!run.ended()) {
                session.emit(new ServerEvent.ResponseMcpCallCompleted(session.nextEventId(), 0, itemId));
                done(callItem(itemId, args, output, null));
            }
        }, error -> {
            if (!run.ended()) {
                session.emit(new ServerEvent.ResponseMcpCallFailed(session.nextEventId(), 0, itemId));
                done(callItem(itemId, args, null, error));
            }
        });
    }

    private Item callItem(String itemId, String arguments, String output, JsonNode error) {
        return new Item(itemId, "mcp_call", null, null, null, null, null, call.name(), arguments, output,
                call.serverLabel(), null, call.approvalRequestId(), null, null, error);
    }

    private void added(Item item) {
        if (run.inDefaultConversation()) {
            session.items().add(item);
        }
        session.emit(new ServerEvent.ResponseOutputItemAdded(session.nextEventId(), run.id(), 0, item));
        if (run.inDefaultConversation()) {
            session.items().announce(previousItemId, item, false);
        }
    }

    private void done(Item item) {
        if (run.inDefaultConversation()) {
            session.items().replace(item);
            session.emit(new ServerEvent.ConversationItemDone(session.nextEventId(), previousItemId, item));
        }
        session.emit(new ServerEvent.ResponseOutputItemDone(session.nextEventId(), run.id(), 0, item));
        run.end(List.of(item));
    }
}
