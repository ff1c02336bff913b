package io.rtvoice.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import io.rtvoice.internal.client.CloseFromAnyThread;
import io.rtvoice.internal.client.ServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The high-level client over one {@link RealtimeSession}: configure the session, add text and audio,
 * create and cancel responses, and follow each {@link ConversationResponse} and its
 * {@link OutputItem}s as they stream, like the seed's {@code RTResponse}/{@code RTAudioContent}. Function
 * tools registered with {@link #tool} are called automatically: their output goes back to the model
 * and the response continues; a handler's error becomes an error output, never a dead session. A call's
 * arguments must be a JSON object (else the handler is not called and the model gets an error output);
 * a handler has {@link #toolTimeout} (30 s by default) to answer; its error reaches the model as
 * {@code {"error":"the tool failed"}} unless {@link #toolErrorDetail} is on. Works
 * the same in both dialects (the codec maps them). Thread-safe.
 *
 * <p><b>MCP tools</b> (GA) are called by the service itself: configure the session with
 * {@link Tool#mcp(String, String)} and follow each response's {@link ConversationResponse#mcpCalls()}. When the
 * tool's {@code require_approval} asks (by default it does), the service ends the response with an
 * {@code mcp_approval_request}; the conversation answers it with the {@link #mcpApproval} handler's decision
 * and asks the model to go on, and the approved call runs in that next response. Without a handler every
 * such call is <b>denied</b> ({@code "no approval handler is set"}): a remote tool runs only when the
 * application says so, or when the session says {@code require_approval: "never"}. A handler has
 * {@link #mcpApprovalTimeout} (60 s by default) to decide; silence, an error or an empty answer deny.
 */
public final class Conversation implements AutoCloseable {

    private final RealtimeSession session;
    private final Map<String, Tool> toolDefinitions = new ConcurrentHashMap<>();
    private final Map<String, ToolHandler> toolHandlers = new ConcurrentHashMap<>();
    private final Map<String, ConversationResponse> responses = new ConcurrentHashMap<>();
    private final Map<String, OutputItem> items = new ConcurrentHashMap<>();
    private final Map<String, InputAudioItem> inputItems = new ConcurrentHashMap<>();
    private final Sinks.Many<ConversationResponse> responseSink = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<InputAudioItem> inputSink = Sinks.many().multicast().directBestEffort();
    private final Disposable dispatch;
    private final Disposable reconnected;
    private final java.util.concurrent.atomic.AtomicLong eventIds = new java.util.concurrent.atomic.AtomicLong();
    private final LongAdder skipped = new LongAdder();
    private volatile Duration toolTimeout = DEFAULT_TOOL_TIMEOUT;
    private volatile boolean toolErrorDetail;
    /** Whether the server has echoed a request's metadata: from then on, a response is matched by it alone. */
    private volatile boolean echoesMetadata;
    /** Why the session ended, once it has: what a request still waiting for its answer fails with. */
    private volatile Throwable endCause;
    private volatile McpApprovalHandler mcpApproval;
    private volatile Duration mcpApprovalTimeout = DEFAULT_MCP_APPROVAL_TIMEOUT;

    private Conversation(RealtimeSession session) {
        this.session = session;
        this.dispatch = session.events().subscribe(this::dispatch, this::ended, () -> ended(null));
        // What was in flight on an old connection will never be answered: fail it, do not leave it hanging.
        this.reconnected = session.reconnections().subscribe(r -> interrupted(lostConnection()), e -> { });
    }

    /** How long a tool handler may take before the model is answered with an error output: 30 s. */
    public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long an MCP approval handler may take before the call is denied: 60 s, longer than a tool's 30 s
     * because a person may be the one deciding.
     */
    public static final Duration DEFAULT_MCP_APPROVAL_TIMEOUT = Duration.ofSeconds(60);
    /** The output the model gets for a handler's error, unless {@link #toolErrorDetail(boolean)} is on. */
    private static final String TOOL_FAILED = "the tool failed";
    /** The metadata key that tells a {@link #respond} its own response. */
    public static final String REQUEST_KEY = "rtvoice_request";
    private static final int MAX_METADATA_PAIRS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final RealtimeError UNDESCRIBED_ERROR = ServerRequest.UNDESCRIBED_ERROR;

    private static ConversationException lostConnection() {
        return new ConversationException(new RealtimeError("connection_lost", "session_reconnected",
                "the connection was replaced by a new session before this was answered", null, null));
    }

    private void interrupted(Throwable cause) {
        responses.values().forEach(r -> r.fail(cause));
        items.values().forEach(i -> i.fail(cause));
        inputItems.values().forEach(i -> i.transcriptionFailed(cause));
        responses.clear();
        items.clear();
        inputItems.clear();
    }

    /** A conversation over an open session. */
    public static Conversation over(RealtimeSession session) {
        return new Conversation(Objects.requireNonNull(session, "session"));
    }

    /** Connects with {@code client} and starts a conversation over the new session. */
    public static Mono<Conversation> connect(RealtimeClient client) {
        return client.connect().map(Conversation::new);
    }

    /** The low-level session underneath, for anything this class does not cover. */
    public RealtimeSession session() {
        return session;
    }

    /** Every server event, in order (the session's own stream). */
    public Flux<ServerEvent> events() {
        return session.events();
    }

    /** Responses as they are created, from now on. */
    public Flux<ConversationResponse> responses() {
        return responseSink.asFlux();
    }

    /** User audio items as the input buffer is committed (by the server's VAD or by {@link #commitAudio()}), from now on. */
    public Flux<InputAudioItem> inputItems() {
        return inputSink.asFlux();
    }

    /**
     * Registers a function the model may call; it is offered to the model with the next
     * {@link #configure}. Calls are answered by {@code handler} on the conversation's thread: keep it
     * non-blocking (return a {@link Mono} that does its work elsewhere).
     */
    public Conversation tool(String name, String description, JsonNode parametersSchema, ToolHandler handler) {
        toolDefinitions.put(name, Tool.function(name, description, parametersSchema));
        toolHandlers.put(name, Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Stops offering the function {@code name} from the next {@link #configure} on, and answers its calls
     * with an error output ({@code no tool named …}); nothing happens if it is not registered. A call
     * already running goes on. For a caller that changes the tools of a live session (an agent's handoff).
     */
    public Conversation removeTool(String name) {
        toolDefinitions.remove(name);
        toolHandlers.remove(name);
        return this;
    }

    /**
     * How long each tool call may take (default {@link #DEFAULT_TOOL_TIMEOUT}, 30 s): a handler that has not
     * answered by then is answered for, with {@code {"error":"the tool did not answer within … ms"}}, and
     * the response goes on.
     */
    public Conversation toolTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("toolTimeout : " + timeout + " (expected: > 0)");
        }
        this.toolTimeout = timeout;
        return this;
    }

    /**
     * Decides, from now on, whether the MCP tool calls the service asks about may run (see the class
     * comment); {@code null} removes the handler, and every call asked about is denied again.
     */
    public Conversation mcpApproval(McpApprovalHandler handler) {
        this.mcpApproval = handler;
        return this;
    }

    /**
     * How long the {@link #mcpApproval} handler may take to decide (default {@link #DEFAULT_MCP_APPROVAL_TIMEOUT},
     * 60 s): past it the call is denied ({@code "no decision within … ms"}) and the response goes on.
     */
    public Conversation mcpApprovalTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("mcpApprovalTimeout : " + timeout + " (expected: > 0)");
        }
        this.mcpApprovalTimeout = timeout;
        return this;
    }

    /**
     * Whether a handler's error reaches the model as it is ({@code {"error":"IOException: …"}}, which may hold
     * internal details such as hosts or paths) or, by default, as {@code {"error":"the tool failed"}}.
     */
    public Conversation toolErrorDetail(boolean detail) {
        this.toolErrorDetail = detail;
        return this;
    }

    /**
     * Sends {@code session.update} with {@code config} plus the registered tools; completes with the
     * server's {@code session.updated}, or fails with {@link ConversationException} on an error event about it.
     */
    public Mono<SessionConfig> configure(SessionConfig config) {
        SessionConfig withTools = toolDefinitions.isEmpty() ? config
                : config.toBuilder().tools(merge(config.tools(), toolDefinitions.values())).build();
        return request(new ClientEvent.SessionUpdate(nextEventId(), withTools),
                events().ofType(ServerEvent.SessionUpdated.class).next().map(ServerEvent.SessionUpdated::session));
    }

    private static List<Tool> merge(List<Tool> given, java.util.Collection<Tool> registered) {
        List<Tool> all = new ArrayList<>(given == null ? List.of() : given);
        all.addAll(registered);
        return all;
    }

    /** Adds a user text message to the conversation. */
    public void addUserText(String text) {
        session.send(new ClientEvent.ConversationItemCreate(nextEventId(), null, Item.userText(text)));
    }

    /** Appends audio (the session's input format, PCM16 24 kHz mono unless configured otherwise) to the input buffer. */
    public void appendAudio(byte[] audio) {
        session.send(new ClientEvent.InputAudioBufferAppend(null, audio));
    }

    /** Commits the input buffer as a user item (push-to-talk; with server VAD the server commits). */
    public void commitAudio() {
        session.send(new ClientEvent.InputAudioBufferCommit(nextEventId()));
    }

    /** Discards the input buffer. */
    public void clearAudio() {
        session.send(new ClientEvent.InputAudioBufferClear(nextEventId()));
    }

    /** Asks for a response with the session's settings. */
    public Mono<ConversationResponse> respond() {
        return respond(null);
    }

    /**
     * Asks for a response; completes with it once the server has created it, or fails with
     * {@link ConversationException} (for example {@code conversation_already_has_active_response}).
     *
     * <p>The request's metadata gets the key {@value #REQUEST_KEY} (the request's event id), and the response
     * whose echoed metadata carries it is this one's: so an out-of-band response and one the server's VAD
     * created at the same moment are told apart. Until the server has echoed that key once (a server that
     * drops metadata never does), the next response created is taken, as there is nothing better to go by;
     * so is it when {@code params} already holds the 16 pairs metadata may have.
     */
    public Mono<ConversationResponse> respond(ResponseParams params) {
        String eventId = nextEventId();
        Map<String, String> given = params == null || params.metadata() == null ? Map.of() : params.metadata();
        if (given.size() >= MAX_METADATA_PAIRS) {
            return request(new ClientEvent.ResponseCreate(eventId, params), responses().next());
        }
        Map<String, String> tagged = new java.util.LinkedHashMap<>(given);
        tagged.put(REQUEST_KEY, eventId);
        ResponseParams sent = (params == null ? ResponseParams.builder().build() : params).withMetadata(tagged);
        return request(new ClientEvent.ResponseCreate(eventId, sent), responses()
                .filter(r -> eventId.equals(r.metadata().get(REQUEST_KEY)) || !echoesMetadata && !r.metadata().containsKey(REQUEST_KEY))
                .next());
    }

    /**
     * Asks for an item of the conversation ({@code conversation.item.retrieve}); completes with it as the
     * server has it (user audio included, base64), or fails with {@link ConversationException} (an unknown id).
     */
    public Mono<Item> retrieve(String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        return request(new ClientEvent.ConversationItemRetrieve(nextEventId(), itemId), events()
                .ofType(ServerEvent.ConversationItemRetrieved.class)
                .filter(r -> r.item() != null && itemId.equals(r.item().id())).next().map(ServerEvent.ConversationItemRetrieved::item));
    }

    /** Adds a user message with an image ({@link ContentPart#inputImage(byte[], String, String)}) and, if not null, text. */
    public void addUserImage(byte[] image, String mimeType, String text) {
        List<ContentPart> content = new ArrayList<>(2);
        content.add(ContentPart.inputImage(image, mimeType, null));
        if (text != null) {
            content.add(ContentPart.inputText(text));
        }
        session.send(new ClientEvent.ConversationItemCreate(nextEventId(), null, Item.message("user", content)));
    }

    /** Cancels the response in progress, if any. */
    public void cancel() {
        session.send(new ClientEvent.ResponseCancel(null, null));
    }

    /**
     * Cuts an assistant audio item at {@code audioEndMs}: what the user actually heard. The caller owns
     * the accounting: the played position, capped at what was received (a voice session does it for you).
     */
    public void truncate(String itemId, int audioEndMs) {
        session.send(new ClientEvent.ConversationItemTruncate(nextEventId(), itemId, 0, audioEndMs));
    }

    /** Removes an item from the conversation. */
    public void delete(String itemId) {
        session.send(new ClientEvent.ConversationItemDelete(nextEventId(), itemId));
    }

    /** {@link ServerRequest#send}; a request still waiting when the connection is replaced fails too. */
    private <T> Mono<T> request(ClientEvent request, Mono<T> answer) {
        // Never deciding for a session that does not reconnect (its reconnections() is empty). Nothing may
        // resume errors after the flatMap: the error it makes is the answer (swallowed, the request hung).
        Mono<T> replaced = session.reconnections().next().switchIfEmpty(Mono.never())
                .flatMap(r -> Mono.<T>error(lostConnection()));
        return ServerRequest.send(session, request, answer, ConversationException::new, replaced, () -> endCause);
    }

    /** An id for each event this conversation sends (appends excepted), so that errors can be told apart. */
    private String nextEventId() {
        return "evt_rtv" + Long.toHexString(eventIds.incrementAndGet());
    }

    /**
     * Server events this conversation could not use and skipped, since it started: an audio delta with no
     * {@code item_id}, a {@code response.done} with no {@code response}, and the like. Such an event is
     * still on {@link #events()}; it is never fatal, and what follows it is tracked as usual.
     */
    public long skippedEvents() {
        return skipped.sum();
    }

    /**
     * Tracks {@code event}; one it cannot use is skipped and counted. Nothing may throw from here: an
     * exception in a subscriber of the session's stream would cancel it, and every later response would
     * go untracked.
     */
    private void dispatch(ServerEvent event) {
        try {
            if (!usable(event)) {
                skipped.increment();
                return;
            }
            track(event);
        } catch (RuntimeException unusable) {
            skipped.increment();
        }
    }

    /** Whether {@code event} has what tracking it needs (the codec lets incomplete events through as they came). */
    private static boolean usable(ServerEvent event) {
        if (event instanceof ServerEvent.ResponseCreated e) {
            return e.response() != null && e.response().id() != null;
        } else if (event instanceof ServerEvent.ResponseDone e) {
            return e.response() != null && e.response().id() != null;
        } else if (event instanceof ServerEvent.ResponseOutputItemAdded e) {
            return e.item() != null && e.item().id() != null;
        } else if (event instanceof ServerEvent.ResponseOutputItemDone e) {
            return e.item() != null && e.item().id() != null;
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e) {
            return e.itemId() != null;
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta e) {
            return e.itemId() != null;
        } else if (event instanceof ServerEvent.ResponseOutputTextDelta e) {
            return e.itemId() != null;
        } else if (event instanceof ServerEvent.InputAudioBufferCommitted e) {
            return e.itemId() != null;
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e) {
            return e.itemId() != null;
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionFailed e) {
            return e.itemId() != null;
        }
        return true;
    }

    private void track(ServerEvent event) {
        if (event instanceof ServerEvent.ResponseCreated e) {
            ConversationResponse response = new ConversationResponse(e.response().id(), e.response().metadata());
            if (response.metadata().containsKey(REQUEST_KEY)) {
                echoesMetadata = true;
            }
            responses.put(response.id(), response);
            responseSink.tryEmitNext(response);
        } else if (event instanceof ServerEvent.ResponseOutputItemAdded e) {
            OutputItem item = new OutputItem(e.item().id(), e.item().type());
            items.put(item.id(), item);
            ConversationResponse response = responses.get(e.responseId());
            if (response != null) {
                response.add(item);
            }
        } else if (event instanceof ServerEvent.ResponseOutputAudioDelta e && e.delta().length > 0) {
            // Empty when the session routes the audio elsewhere (a VoiceSession playing it): nothing to keep.
            with(e.itemId(), item -> item.audio(e.delta()));
        } else if (event instanceof ServerEvent.ResponseOutputAudioTranscriptDelta e) {
            with(e.itemId(), item -> item.transcript(e.delta()));
        } else if (event instanceof ServerEvent.ResponseOutputTextDelta e) {
            with(e.itemId(), item -> item.text(e.delta()));
        } else if (event instanceof ServerEvent.ResponseOutputItemDone e) {
            OutputItem item = items.remove(e.item().id());
            if (item != null) {
                item.finish(e.item());
            }
            if ("mcp_call".equals(e.item().type())) {
                ConversationResponse response = responses.get(e.responseId());
                if (response != null) {
                    Item i = e.item();
                    response.mcpCall(new McpCall(i.id(), i.serverLabel(), i.name(), i.arguments(), i.output(), i.error(),
                            i.approvalRequestId()));
                }
            }
        } else if (event instanceof ServerEvent.ResponseDone e) {
            ConversationResponse response = responses.remove(e.response().id());
            if (response != null) {
                response.finish(e.response());
            }
            callTools(e.response().output());
        } else if (event instanceof ServerEvent.InputAudioBufferCommitted e) {
            InputAudioItem item = new InputAudioItem(e.itemId());
            inputItems.put(item.id(), item);
            inputSink.tryEmitNext(item);
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e) {
            InputAudioItem item = inputItems.remove(e.itemId());
            if (item != null) {
                item.transcribed(e.transcript());
            }
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionFailed e) {
            InputAudioItem item = inputItems.remove(e.itemId());
            if (item != null) {
                item.transcriptionFailed(new ConversationException(e.error()));
            }
        }
    }

    private void with(String itemId, java.util.function.Consumer<OutputItem> action) {
        OutputItem item = items.get(itemId);
        if (item != null) {
            action.accept(item);
        }
    }

    /**
     * Answers the response's function calls and MCP approval requests, then asks the model to go on. Done
     * at {@code response.done} because a response cannot be created while one is active. The calls and
     * decisions run at once, each within its timeout, so one slow handler holds the others back by that
     * much at most; the answers go back in the order of the items.
     */
    private void callTools(List<Item> output) {
        if (output == null) {
            return;
        }
        List<Mono<Item>> outputs = new ArrayList<>();
        for (Item item : output) {
            if (item != null && "function_call".equals(item.type()) && item.callId() != null) {
                outputs.add(call(item).map(text -> Item.functionCallOutput(item.callId(), text)));
            } else if (item != null && "mcp_approval_request".equals(item.type()) && item.id() != null) {
                outputs.add(decide(new McpApprovalRequest(item.id(), item.serverLabel(), item.name(), item.arguments()))
                        .map(d -> Item.mcpApprovalResponse(item.id(), d.approved(), d.reason())));
            }
        }
        if (outputs.isEmpty()) {
            return;
        }
        Flux.mergeSequential(outputs).collectList().subscribe(answers -> {
            try {
                answers.forEach(this::sendOutput);
                session.send(new ClientEvent.ResponseCreate(null, null));
            } catch (IllegalStateException ended) {
                // the session ended while the tools ran: nothing to answer any more
            }
        }, e -> { });
    }

    /** One call's output: the handler's, or an error output; never an error signal. */
    private Mono<String> call(Item item) {
        ToolHandler handler = toolHandlers.get(item.name());
        if (handler == null) {
            return Mono.just(errorJson("no tool named '" + item.name() + "' is registered"));
        }
        String arguments = item.arguments() == null || item.arguments().isBlank() ? "{}" : item.arguments();
        if (!isJsonObject(arguments)) {
            return Mono.just(errorJson("the arguments are not a JSON object"));
        }
        Duration timeout = toolTimeout;
        boolean detail = toolErrorDetail;
        return Mono.defer(() -> handler.call(item.callId(), arguments))
                .timeout(timeout, Mono.just(errorJson("the tool did not answer within " + timeout.toMillis() + " ms")))
                .switchIfEmpty(Mono.just(""))
                .onErrorResume(e -> Mono.just(errorJson(detail ? e.getClass().getSimpleName()
                        + (e.getMessage() != null ? ": " + e.getMessage() : "") : TOOL_FAILED)));
    }

    /** The handler's decision, or a denial that says why there is none; never an error signal. */
    private Mono<McpApproval> decide(McpApprovalRequest request) {
        McpApprovalHandler handler = mcpApproval;
        if (handler == null) {
            return Mono.just(McpApproval.deny("no approval handler is set"));
        }
        Duration timeout = mcpApprovalTimeout;
        return Mono.defer(() -> handler.decide(request))
                .timeout(timeout, Mono.just(McpApproval.deny("no decision within " + timeout.toMillis() + " ms")))
                .switchIfEmpty(Mono.just(McpApproval.deny("no decision")))
                .onErrorResume(e -> Mono.just(McpApproval.deny("the approval handler failed")));
    }

    private static boolean isJsonObject(String json) {
        try {
            return JSON.readTree(json) instanceof com.fasterxml.jackson.databind.node.ObjectNode;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends one output; one the session refuses (larger than the client's frame limit, say) goes back as
     * an error output instead, so the model is answered and the response can go on.
     */
    private void sendOutput(Item answer) {
        try {
            session.send(new ClientEvent.ConversationItemCreate(null, null, answer));
        } catch (IllegalStateException ended) {
            throw ended;
        } catch (RuntimeException refused) {
            if (!"function_call_output".equals(answer.type())) {
                throw refused;
            }
            session.send(new ClientEvent.ConversationItemCreate(null, null,
                    Item.functionCallOutput(answer.callId(), errorJson("the tool's output could not be sent (too large?)"))));
        }
    }

    private static String errorJson(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message).toString();
    }

    private void ended(Throwable error) {
        endCause = error != null ? error : new IllegalStateException("the session has ended");
        interrupted(endCause);
        responseSink.tryEmitComplete();
        inputSink.tryEmitComplete();
    }

    /** Closes the session gracefully (close frame 1000); completes when it is closed. Idempotent. */
    public Mono<Void> closeGracefully() {
        return session.closeGracefully().doFinally(s -> {
            dispatch.dispose();
            reconnected.dispose();
        });
    }

    /**
     * {@link #closeGracefully()}; safe from any thread. On an ordinary thread it waits, up to 10 s (as
     * {@link RealtimeSession#close()} does); on a non-blocking one (the connection's own event loop) it
     * starts the close and returns at once.
     */
    @Override
    public void close() {
        CloseFromAnyThread.close(closeGracefully());
    }
}
