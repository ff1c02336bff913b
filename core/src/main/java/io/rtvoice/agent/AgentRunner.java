package io.rtvoice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationException;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.McpApproval;
import io.rtvoice.conversation.McpApprovalRequest;
import io.rtvoice.conversation.OutputItem;
import io.rtvoice.conversation.ToolHandler;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.ToolChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Runs {@link Agent}s over one {@link Conversation}: the agent that has the call sets the session's instructions,
 * tools and voice; a handoff (the model calls {@code transfer_to_<agent>}) changes them on the live session,
 * without reconnecting, and the model goes on as the new agent; {@link Guardrail}s watch what it says; tools that
 * need approval wait for the app; the {@link History} follows the conversation. {@link #events()} says all of it.
 *
 * <pre>
 *   start() ─▶ [the restored history's items] ─▶ session.update(the first agent's) ─▶ AgentStarted(first)
 *
 *   the model calls transfer_to_b ─▶ session.update(b's instructions, tools, voice) ─▶ session.updated
 *       ─▶ AgentEnded(a), Handoff(a→b), AgentStarted(b)
 *       ─▶ function_call_output ─▶ response.create: the model goes on, as b
 * </pre>
 *
 * <p><b>Voice.</b> The service refuses to change a conversation's voice once the model has spoken audio in it
 * ({@code cannot_update_voice}). A handoff then keeps the voice the session has, says so with
 * {@link AgentEvent.VoiceKept}, and goes on: it never fails for it.
 *
 * <p><b>Guardrails</b> run on the transcript (or text) of each answer every
 * {@link Builder#guardrailEveryChars} characters (100 by default) and at its end, one check at a time (a slow check
 * is given the latest text next, not every step it missed). When one trips, the answer is cut where the user
 * stopped hearing it: the response is cancelled, then the {@link Builder#interrupter} cuts it when a player is set
 * (a {@code VoiceSession}'s {@code interrupt()}, which stops playback and truncates at what was played), else it is
 * truncated at the audio received (deleted when none was). Then {@link AgentEvent.GuardrailTripped}; the app may
 * {@link #say} a sentence of its own.
 *
 * <p><b>Approval.</b> A {@link FunctionTool#withApproval() tool that needs approval}, and every MCP call the service
 * asks about, waits for {@link #approve} or {@link #reject} ({@link AgentEvent.ApprovalRequested} gives the id), up
 * to {@link Builder#approvalTimeout} (60 s by default). Rejected or timed out, the model is told the call was not
 * approved, and why.
 *
 * <p>The runner owns the conversation's function tools, tool timeout and MCP approval handler while it runs. Nothing
 * here blocks; handlers and guardrails run on the connection's thread and must not block either. Thread-safe.
 */
public final class AgentRunner implements AutoCloseable {

    /** How long a call may wait for the app's decision by default: 60 s, as a person may be deciding. */
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofSeconds(60);
    /** How long a tool may run by default, once approved: 30 s, as {@link Conversation#DEFAULT_TOOL_TIMEOUT}. */
    public static final Duration DEFAULT_TOOL_TIMEOUT = Conversation.DEFAULT_TOOL_TIMEOUT;
    /** New characters of an answer between two guardrail checks by default: 100. */
    public static final int DEFAULT_GUARDRAIL_EVERY_CHARS = 100;

    private static final JsonNode NO_ARGUMENTS = JsonNodeFactory.instance.objectNode().put("type", "object")
            .set("properties", JsonNodeFactory.instance.objectNode());
    /** The service's code for a voice change it refuses, once the model has spoken audio. */
    private static final String CANNOT_UPDATE_VOICE = "cannot_update_voice";

    private final Conversation conversation;
    private final Map<String, Agent> agents;
    private final Agent first;
    private final List<Guardrail> guardrails;
    private final int guardrailEveryChars;
    private final Duration approvalTimeout;
    private final Duration toolTimeout;
    private final Runnable interrupter;
    private final History restore;
    private final HistoryRecorder history;
    private final Sinks.Many<AgentEvent> events = Sinks.many().multicast().onBackpressureBuffer(1024, false);
    /**
     * Into {@link #events}, from any thread, never waiting: Flux.create's sink delivers one signal at a time, and a
     * thread that finds another delivering leaves its event queued for it (a subscriber's handler on an app thread
     * must not hold up the connection's event loop, as a lock here did).
     */
    private final FluxSink<AgentEvent> emitter = serialInto(events);
    private final Sinks.Many<Boolean> busy = Sinks.many().replay().latest();
    private final Map<String, Sinks.One<Decision>> pending = new ConcurrentHashMap<>();
    private final Set<String> activeResponses = ConcurrentHashMap.newKeySet();
    private final List<String> registered = new ArrayList<>();
    private final Disposable.Composite running = Disposables.composite();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    private volatile Agent current;
    /** The session's voice, as the server last said. */
    private volatile String voice;
    /** Whether the model has spoken audio in this conversation: its voice is fixed from then on. */
    private volatile boolean spoke;
    private volatile RealtimeAudioFormat outputFormat = RealtimeAudioFormat.PCM16;

    private AgentRunner(Builder b) {
        this.conversation = Objects.requireNonNull(b.conversation, "conversation");
        if (b.agents.isEmpty()) {
            throw new IllegalStateException("no agents: Builder.agents(...) (the first one starts)");
        }
        this.agents = new LinkedHashMap<>();
        for (Agent a : b.agents) {
            if (agents.put(a.name(), a) != null) {
                throw new IllegalArgumentException("agents : two named '" + a.name() + "' (expected: unique names)");
            }
        }
        java.util.Set<String> handoffTools = new java.util.HashSet<>();
        for (Agent a : b.agents) {
            if (!handoffTools.add(a.handoffToolName())) {
                throw new IllegalArgumentException("agents : two whose handoff tool is " + a.handoffToolName()
                        + " (expected: names that differ in more than case)");
            }
        }
        for (Agent a : b.agents) {
            for (String target : a.handoffs()) {
                if (!agents.containsKey(target)) {
                    throw new IllegalArgumentException("agent " + a.name() + " hands off to '" + target
                            + "' (expected: one of " + agents.keySet() + ")");
                }
            }
        }
        this.restore = b.restore;
        String last = restore == null ? null : restore.lastAgent();
        this.first = last != null && agents.containsKey(last) ? agents.get(last) : b.agents.get(0);
        this.guardrails = List.copyOf(b.guardrails);
        this.guardrailEveryChars = b.guardrailEveryChars;
        this.approvalTimeout = b.approvalTimeout;
        this.toolTimeout = b.toolTimeout;
        this.interrupter = b.interrupter;
        this.history = new HistoryRecorder(restore == null ? History.EMPTY : restore);
        this.current = first;
        busy.tryEmitNext(false);
    }

    /** A builder: a conversation and at least one agent are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts: re-creates the {@link Builder#restore restored} history's items on the session, in order
     * ({@code conversation.item.create}), then configures the session for the first agent (or the last one the
     * restored history handed off to) and completes once the server has accepted it. Call it once.
     */
    public Mono<AgentRunner> start() {
        return Mono.defer(() -> {
            if (!started.compareAndSet(false, true)) {
                return Mono.error(new IllegalStateException("the runner has already started"));
            }
            running.add(conversation.events().subscribe(this::onEvent, e -> end(), this::end));
            // A new connection has no response running: one cut off by the old never sends its response.done.
            running.add(conversation.session().reconnections().subscribe(r -> {
                activeResponses.clear();
                busy.tryEmitNext(false);
            }));
            running.add(conversation.responses().subscribe(this::watch, e -> { }));
            // A call that needs approval waits for it and then runs: the conversation's own limit must cover both.
            conversation.toolTimeout(approvalTimeout.plus(toolTimeout).plusSeconds(1));
            conversation.mcpApprovalTimeout(approvalTimeout.plusSeconds(1));
            conversation.mcpApproval(this::decideMcp);
            if (restore != null) {
                for (Item item : HistoryRecorder.replayable(restore)) {
                    conversation.session().send(new ClientEvent.ConversationItemCreate(null, null, item));
                }
            }
            return activate(first).doOnSuccess(v -> emit(new AgentEvent.AgentStarted(first.name())));
        }).thenReturn(this);
    }

    /** What the runner does, from now on (events before the first subscriber are kept for it, up to 1024). */
    public Flux<AgentEvent> events() {
        return events.asFlux();
    }

    /** The history: the latest snapshot at once, then one per change; completes when the session ends. */
    public Flux<History> history() {
        return history.snapshots();
    }

    /** The history as it is now. */
    public History currentHistory() {
        return history.current();
    }

    /** The agent that has the call. */
    public Agent currentAgent() {
        return current;
    }

    /**
     * Approves the call {@code id} ({@link AgentEvent.ApprovalRequested#id()}): it runs.
     *
     * @return whether a call with that id was waiting (false once it has timed out or been decided)
     */
    public boolean approve(String id) {
        return decide(id, new Decision(true, null));
    }

    /**
     * Rejects the call {@code id}: it does not run, and the model is told it was not approved and {@code reason}
     * (may be {@code null}).
     *
     * @return whether a call with that id was waiting
     */
    public boolean reject(String id, String reason) {
        return decide(id, new Decision(false, reason));
    }

    private boolean decide(String id, Decision decision) {
        Sinks.One<Decision> waiting = pending.remove(Objects.requireNonNull(id, "id"));
        return waiting != null && waiting.tryEmitValue(decision).isSuccess();
    }

    /**
     * Has the model say {@code sentence} as it is, once no response is active (after the one a guardrail cut has
     * ended, say), with tools off; completes with the response, or fails with a {@code ConversationException} if
     * another response started first (a tool's output going back, the user's next turn), or with an
     * {@code IllegalStateException} once the runner has stopped.
     */
    public Mono<ConversationResponse> say(String sentence) {
        Objects.requireNonNull(sentence, "sentence");
        ResponseParams params = ResponseParams.builder()
                .instructions("Say exactly this, word for word, and nothing else: " + sentence)
                .toolChoice(ToolChoice.NONE).build();
        return busy.asFlux().filter(b -> !b).next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the runner has stopped: nothing was said")))
                .then(Mono.defer(() -> conversation.respond(params)));
    }

    // ================================================================ agents and handoffs

    /** Offers {@code next}'s tools and configures the session for it; completes when the server has accepted it. */
    private Mono<Void> activate(Agent next) {
        register(next);
        SessionConfig.Builder config = SessionConfig.builder()
                .instructions(next.instructions() == null ? "" : next.instructions())
                .tools(next.serverTools()); // always a list, empty included: the previous agent's tools must go
        String wanted = next.voice();
        String had = voice;
        boolean keep = wanted != null && spoke && !wanted.equals(had);
        if (wanted != null && !keep) {
            config.voice(wanted);
        }
        SessionConfig withVoice = config.build();
        AtomicBoolean refused = new AtomicBoolean();
        return conversation.configure(withVoice)
                .onErrorResume(e -> wanted != null && e instanceof ConversationException c
                        && CANNOT_UPDATE_VOICE.equals(c.error().code()), e -> {
                    // The server knew better than our count of spoken audio (it was spoken before the runner
                    // started, say): keep the voice, as promised.
                    refused.set(true);
                    return conversation.configure(withVoice.toBuilder().audio(null).build());
                })
                .doOnNext(accepted -> {
                    if (keep || refused.get()) {
                        String kept = accepted.voice() != null && accepted.voice().name() != null ? accepted.voice().name() : had;
                        emit(new AgentEvent.VoiceKept(next.name(), kept, wanted));
                    }
                })
                .then();
    }

    /** Replaces the previous agent's function and handoff tools with {@code agent}'s on the conversation. */
    private void register(Agent agent) {
        synchronized (registered) {
            registered.forEach(conversation::removeTool);
            registered.clear();
            for (FunctionTool tool : agent.tools()) {
                conversation.tool(tool.name(), tool.description(), tool.parameters(), new Call(agent, tool));
                registered.add(tool.name());
            }
            for (String target : agent.handoffs()) {
                Agent to = agents.get(target);
                String description = "Hands the conversation to " + to.name()
                        + (to.handoffDescription() != null ? ": " + to.handoffDescription() : ".");
                conversation.tool(to.handoffToolName(), description, NO_ARGUMENTS, new Transfer(agent, to));
                registered.add(to.handoffToolName());
            }
        }
    }

    /** The handler of a handoff tool: the session changes first, then the model is told, and goes on as {@code to}. */
    private final class Transfer implements ToolHandler {
        private final Agent from;
        private final Agent to;

        Transfer(Agent from, Agent to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Mono<String> call(String argumentsJson) {
            return activate(to).then(Mono.fromCallable(() -> {
                current = to;
                history.handoff(from.name(), to.name());
                emit(new AgentEvent.AgentEnded(from.name()));
                emit(new AgentEvent.Handoff(from.name(), to.name()));
                emit(new AgentEvent.AgentStarted(to.name()));
                return JsonNodeFactory.instance.objectNode().put("assistant", to.name()).toString();
            })).onErrorResume(e -> {
                register(from); // the session still runs as from: so must its tools
                emit(new AgentEvent.Error(from.name(), "the handoff to " + to.name() + " failed: " + describe(e)));
                return Mono.just(FunctionTool.error("the handoff failed"));
            });
        }
    }

    // ================================================================ tools and approval

    /** The handler of a function tool: approval first if it needs it, then the tool, within its timeout. */
    private final class Call implements ToolHandler {
        private final Agent agent;
        private final FunctionTool tool;

        Call(Agent agent, FunctionTool tool) {
            this.agent = agent;
            this.tool = tool;
        }

        @Override
        public Mono<String> call(String argumentsJson) {
            return call(null, argumentsJson);
        }

        @Override
        public Mono<String> call(String callId, String argumentsJson) {
            emit(new AgentEvent.ToolStarted(agent.name(), callId, tool.name(), argumentsJson));
            // A call the app cannot name cannot be approved: refused, never run unasked.
            Mono<Decision> decision = !tool.needsApproval() ? Mono.just(new Decision(true, null))
                    : callId != null ? ask(agent.name(), callId, tool.name(), argumentsJson)
                    : Mono.just(new Decision(false, "the call has no id to approve it by"));
            Duration timeout = toolTimeout;
            return decision.flatMap(d -> d.approved() ? run(callId, argumentsJson, timeout)
                            : Mono.just(FunctionTool.error("the call was not approved" + (d.reason() != null ? ": " + d.reason() : ""))))
                    .doOnNext(output -> emit(new AgentEvent.ToolEnded(agent.name(), callId, tool.name(), output)));
        }

        private Mono<String> run(String callId, String argumentsJson, Duration timeout) {
            return Mono.defer(() -> tool.handler().call(callId, argumentsJson))
                    .timeout(timeout, Mono.fromSupplier(() -> FunctionTool.error("the tool did not answer within "
                            + timeout.toMillis() + " ms")))
                    .switchIfEmpty(Mono.just(""))
                    .onErrorResume(e -> {
                        // Only the exception's type: its message may hold what the app would not tell the model or a log.
                        emit(new AgentEvent.Error(agent.name(), "tool " + tool.name() + " failed: " + e.getClass().getSimpleName()));
                        return Mono.just(FunctionTool.error("the tool failed"));
                    });
        }
    }

    private Mono<McpApproval> decideMcp(McpApprovalRequest request) {
        return ask(current.name(), request.id(), request.serverLabel() + "/" + request.toolName(), request.arguments())
                .map(d -> d.approved() ? McpApproval.approve()
                        : McpApproval.deny(d.reason() != null ? d.reason() : "not approved"));
    }

    /** Waits for the app's decision on {@code id}, or the timeout; never an error signal. */
    private Mono<Decision> ask(String agent, String id, String tool, String arguments) {
        Duration timeout = approvalTimeout;
        // Deferred: the request is made, and announced, when the call is run, not when it is described.
        return Mono.defer(() -> {
            Sinks.One<Decision> decision = Sinks.one();
            pending.put(id, decision);
            emit(new AgentEvent.ApprovalRequested(agent, id, tool, arguments));
            // The timeout decides through the same sink as approve() and reject(): whichever comes first is the
            // decision, and a late approve() returns false.
            Decision late = new Decision(false, "no decision within " + timeout.toMillis() + " ms");
            return decision.asMono()
                    .timeout(timeout, Mono.defer(() -> {
                        pending.remove(id, decision);
                        return decision.tryEmitValue(late).isSuccess() ? Mono.just(late) : decision.asMono();
                    }))
                    .doOnNext(d -> emit(new AgentEvent.ApprovalDecided(agent, id, d.approved(), d.reason())))
                    .doFinally(s -> pending.remove(id, decision));
        });
    }

    private record Decision(boolean approved, String reason) {
    }

    // ================================================================ guardrails

    private void watch(ConversationResponse response) {
        if (guardrails.isEmpty()) {
            return;
        }
        // Not kept for disposal: each watch ends with its answer, and a trip after close() does nothing.
        response.items().onErrorResume(e -> Flux.empty()).subscribe(item -> watch(response, item));
    }

    private void watch(ConversationResponse response, OutputItem item) {
        String agent = current.name();
        checkpoints(item).onBackpressureLatest()
                .concatMap(text -> check(agent, text).map(name -> new Trip(name, text)), 1)
                .next()
                .subscribe(trip -> trip(response, item, agent, trip), e -> { });
    }

    /** The answer's text so far, every {@code guardrailEveryChars} new characters and at its end. */
    private Flux<String> checkpoints(OutputItem item) {
        int every = guardrailEveryChars;
        return Flux.defer(() -> {
            StringBuilder text = new StringBuilder();
            int[] checked = {0};
            return Flux.merge(item.transcript(), item.text()).onErrorResume(e -> Flux.empty())
                    .concatWith(Mono.just(END))
                    .<String>handle((delta, sink) -> {
                        if (delta != END) {
                            text.append(delta);
                        }
                        if (text.length() > checked[0] && (delta == END || text.length() - checked[0] >= every)) {
                            checked[0] = text.length();
                            sink.next(text.toString());
                        }
                    });
        });
    }

    /** Marks the end of an answer's text: compared by identity, never equal to a delta. */
    private static final String END = new String("");

    /** The name of the first guardrail {@code text} trips, or empty. */
    private Mono<String> check(String agent, String text) {
        return Flux.fromIterable(guardrails)
                .concatMap(g -> Mono.defer(() -> g.trips().apply(text))
                        .onErrorResume(e -> {
                            emit(new AgentEvent.Error(agent, "guardrail " + g.name() + " failed: " + e.getClass().getSimpleName()));
                            return Mono.just(false);
                        })
                        .filter(Boolean.TRUE::equals)
                        .map(t -> g.name()), 1)
                .next();
    }

    private record Trip(String guardrail, String text) {
    }

    private void trip(ConversationResponse response, OutputItem item, String agent, Trip trip) {
        if (ended.get()) {
            return;
        }
        boolean active = activeResponses.contains(response.id());
        try {
            if (active) {
                conversation.cancel(); // first: the model stops saying it
            }
        } catch (IllegalStateException ended) {
            return; // the session is over
        }
        if (interrupter != null) {
            // The player cuts once the response has ended: an item still being generated cannot be truncated (the
            // emulator refuses it), and the player then finds no response to cancel a second time (whose error,
            // naming no event, would fail whatever request the app had pending). Playback goes on meanwhile for the
            // cancel's round trip: a few ms on loopback.
            (active ? response.done().then().onErrorResume(e -> Mono.empty()) : Mono.<Void>empty())
                    // On a thread that may wait: the player cuts there and then (a VoiceSession stops its output),
                    // so the event, and a say() that answers it, come only once the cut is made.
                    .then(Mono.fromRunnable(interrupter).subscribeOn(Schedulers.boundedElastic()))
                    .subscribe(null, e -> emit(new AgentEvent.Error(agent, "the interrupter failed: " + describe(e))),
                            () -> emit(new AgentEvent.GuardrailTripped(agent, trip.guardrail(), item.id(), trip.text())));
            return;
        }
        try {
            RealtimeAudioFormat format = outputFormat;
            long ms = item.audioBytesReceived() / format.bytesPerSample() * 1000 / format.sampleRateHz();
            if (ms > 0) {
                conversation.truncate(item.id(), (int) ms);
            } else {
                conversation.delete(item.id()); // nothing heard: the model must not believe it was said
            }
        } catch (IllegalStateException ended) {
            return;
        }
        emit(new AgentEvent.GuardrailTripped(agent, trip.guardrail(), item.id(), trip.text()));
    }

    // ================================================================ the session's events

    /** Follows the session; never throws (an exception here would end this subscription). */
    private void onEvent(ServerEvent event) {
        try {
            if (event instanceof ServerEvent.SessionCreated e) {
                session(e.session());
            } else if (event instanceof ServerEvent.SessionUpdated e) {
                session(e.session());
            } else if (event instanceof ServerEvent.ResponseOutputAudioDelta) {
                spoke = true;
            } else if (event instanceof ServerEvent.ResponseCreated e && e.response() != null && e.response().id() != null) {
                activeResponses.add(e.response().id());
                busy.tryEmitNext(true);
            } else if (event instanceof ServerEvent.ResponseDone e && e.response() != null && e.response().id() != null) {
                activeResponses.remove(e.response().id());
                busy.tryEmitNext(!activeResponses.isEmpty());
            }
            history.on(event, current.name());
        } catch (RuntimeException unusable) {
            // an incomplete event teaches nothing
        }
    }

    private void session(SessionConfig config) {
        if (config == null) {
            return;
        }
        if (config.voice() != null && config.voice().name() != null) {
            voice = config.voice().name();
        }
        if (config.audio() != null && config.audio().output() != null && config.audio().output().format() != null
                && config.audio().output().format().type() != null) {
            outputFormat = config.audio().output().format();
        }
    }

    private void emit(AgentEvent event) {
        emitter.next(event);
    }

    private static <T> FluxSink<T> serialInto(Sinks.Many<T> sink) {
        java.util.concurrent.atomic.AtomicReference<FluxSink<T>> emitter = new java.util.concurrent.atomic.AtomicReference<>();
        Flux.<T>create(emitter::set).subscribe(sink::tryEmitNext, sink::tryEmitError, sink::tryEmitComplete);
        return emitter.get();
    }

    private static String describe(Throwable e) {
        return e instanceof ConversationException c ? c.getMessage() : e.getClass().getSimpleName();
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        running.dispose();
        pending.values().forEach(p -> p.tryEmitValue(new Decision(false, "the runner stopped")));
        pending.clear();
        if (started.get()) {
            emit(new AgentEvent.AgentEnded(current.name()));
        }
        history.complete();
        busy.tryEmitComplete(); // a say() still waiting for quiet ends now rather than never
        emitter.complete(); // after what is queued
    }

    /**
     * Stops: pending approvals are rejected, the streams complete, and the conversation's tools and MCP approval
     * handler are the runner's no more. The conversation itself stays open. Idempotent; never blocks.
     */
    @Override
    public void close() {
        if (ended.get()) {
            return;
        }
        synchronized (registered) {
            registered.forEach(conversation::removeTool);
            registered.clear();
        }
        conversation.mcpApproval(null);
        end();
    }

    /** Builds an {@link AgentRunner}. */
    public static final class Builder {
        private Conversation conversation;
        private final List<Agent> agents = new ArrayList<>();
        private final List<Guardrail> guardrails = new ArrayList<>();
        private int guardrailEveryChars = DEFAULT_GUARDRAIL_EVERY_CHARS;
        private Duration approvalTimeout = DEFAULT_APPROVAL_TIMEOUT;
        private Duration toolTimeout = DEFAULT_TOOL_TIMEOUT;
        private Runnable interrupter;
        private History restore;

        private Builder() {
        }

        /** The conversation to run the agents in (a {@code VoiceSession}'s, for a voice app). */
        public Builder conversation(Conversation conversation) {
            this.conversation = conversation;
            return this;
        }

        /** The agents; the first has the call at start. Every handoff must name one of them. */
        public Builder agents(Agent... agents) {
            for (Agent a : agents) {
                this.agents.add(Objects.requireNonNull(a, "agents[i]"));
            }
            return this;
        }

        /** A check on what the model says, whichever agent has the call. */
        public Builder guardrail(Guardrail guardrail) {
            guardrails.add(Objects.requireNonNull(guardrail, "guardrail"));
            return this;
        }

        /** New characters of an answer between two guardrail checks (default 100); the end is always checked. */
        public Builder guardrailEveryChars(int chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("guardrailEveryChars : " + chars + " (expected: >= 1)");
            }
            this.guardrailEveryChars = chars;
            return this;
        }

        /**
         * How long a call waits for {@link AgentRunner#approve}/{@link AgentRunner#reject} before it is not approved
         * (default 60 s).
         */
        public Builder approvalTimeout(Duration timeout) {
            this.approvalTimeout = positive(timeout, "approvalTimeout");
            return this;
        }

        /** How long a tool may run before the model gets an error output (default 30 s). */
        public Builder toolTimeout(Duration timeout) {
            this.toolTimeout = positive(timeout, "toolTimeout");
            return this;
        }

        /**
         * What cuts an answer a guardrail tripped on, where the user stopped hearing it: {@code voice::interrupt} for a
         * {@code VoiceSession}. It is called on a thread that may wait, once the cancelled response has ended. Without
         * one, the runner truncates at the audio the conversation received. Set it whenever a {@code VoiceSession} plays
         * the conversation: that session routes the audio to its player ({@code RealtimeSession.routeAudio}), so the
         * conversation counts none of it, and without this the cut answer would be deleted rather than truncated.
         */
        public Builder interrupter(Runnable interrupter) {
            this.interrupter = interrupter;
            return this;
        }

        /**
         * A stored history to go on from, in a new session: its items are re-created in order before the first
         * agent starts, and the agent it last handed off to starts (see {@link History}).
         */
        public Builder restore(History history) {
            this.restore = history;
            return this;
        }

        /** The runner, not yet started. */
        public AgentRunner build() {
            return new AgentRunner(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " : " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
