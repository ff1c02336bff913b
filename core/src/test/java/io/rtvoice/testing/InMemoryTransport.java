package io.rtvoice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link Transport} in memory, for testing the session classes without a network. Each connection
 * has a {@link Server} side that the test scripts: it sees what the client sent (as JSON), pushes
 * frames, closes with a code and reason, or drops the connection. The transport can refuse connects
 * (with an HTTP status) and answer client events by type ({@link #answer}); {@link #realtime()} is one
 * that greets with {@code session.created} and answers {@code session.update} with {@code session.updated}.
 *
 * <p><b>One thread, like an event loop.</b> Everything the server side does runs on one thread per
 * transport, in the order it was asked for: connects complete there, the server's frames are delivered
 * there, and the client's frames are taken in there. The thread is a Reactor {@link NonBlocking} thread,
 * as reactor-netty's event loops are: {@code block()} throws on it and
 * {@link reactor.core.scheduler.Schedulers#isInNonBlockingThread()} is true, so code that would stall an
 * event loop fails here too. The client's frames are taken one at a time, each asked for after the last
 * was handled, as a socket writer does: a client that fills its send queue from this thread finds it full.
 *
 * <p>A failure thrown by anything running on the thread is kept in {@link #loopFailures()}.
 */
public final class InMemoryTransport implements Transport, AutoCloseable {

    /** How long the waiting helpers wait before they fail the test. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger transports = new AtomicInteger();

    private final ExecutorService loop;
    private final List<Throwable> loopFailures = new CopyOnWriteArrayList<>();
    private final Queue<TransportException> refusals = new ConcurrentLinkedQueue<>();
    private final Map<String, BiConsumer<Server, JsonNode>> answers = new ConcurrentHashMap<>();
    private final List<TransportRequest> requests = new CopyOnWriteArrayList<>();
    private final Sinks.Many<Server> connections = Sinks.many().replay().all();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Tasks handed to the loop so far. */
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Consumer<Server> onConnect = server -> { };

    private InMemoryTransport() {
        String name = "in-memory-loop-" + transports.incrementAndGet();
        this.loop = Executors.newSingleThreadExecutor(task -> new LoopThread(task, name));
    }

    /** A transport that accepts every connect and answers nothing. */
    public static InMemoryTransport create() {
        return new InMemoryTransport();
    }

    /**
     * A transport that behaves like the service in the two ways most tests need: each connection starts
     * with {@code session.created} (session id {@code sess_<n>}, n counting connections from 0), and each
     * {@code session.update} is answered with a {@code session.updated} that echoes its session.
     */
    public static InMemoryTransport realtime() {
        return create()
                .onConnect(server -> server.push(sessionCreated("sess_" + server.index())))
                .answer("session.update", (server, update) -> server.push(sessionUpdated(update)));
    }

    /**
     * Runs {@code action} on the loop for every accepted connection, just before the client has it: what
     * it pushes arrives first, before anything the test asks for once the connect completed.
     */
    public InMemoryTransport onConnect(Consumer<Server> action) {
        this.onConnect = action;
        return this;
    }

    /**
     * Calls {@code responder} on the loop for every client event of {@code clientEventType} (a GA wire
     * name such as {@code response.create}), after it was recorded. One responder per type: a later one
     * replaces it.
     */
    public InMemoryTransport answer(String clientEventType, BiConsumer<Server, JsonNode> responder) {
        answers.put(clientEventType, responder);
        return this;
    }

    /** The next connect fails with a refused handshake of {@code httpStatus}. Calls queue up. */
    public InMemoryTransport refuseNext(int httpStatus) {
        return refuseNext(new TransportException("WebSocket handshake with in-memory refused: HTTP " + httpStatus, httpStatus, null));
    }

    /** The next connect fails with {@code failure}. Calls queue up. */
    public InMemoryTransport refuseNext(TransportException failure) {
        refusals.add(failure);
        return this;
    }

    /** A client of this transport, GA dialect, with the test key {@code sk-in-memory-test}. */
    public RealtimeClient client() {
        return clientBuilder().build();
    }

    /** A builder preset as for {@link #client()}, to change its other settings. */
    public RealtimeClient.Builder clientBuilder() {
        return RealtimeClient.builder()
                .endpoint(Endpoint.custom(URI.create("ws://in-memory/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-in-memory-test"))
                .transport(this);
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            onLoop(() -> {
                requests.add(request);
                if (cancelled.get()) {
                    return; // the client gave up before the handshake: no connection
                }
                TransportException refusal = refusals.poll();
                if (refusal != null) {
                    sink.error(refusal);
                    return;
                }
                Server server = new Server(request, accepted.getAndIncrement());
                connections.tryEmitNext(server);
                // Before the client has the connection, so that what it queues (a greeting) goes before anything
                // the test does next; it still runs after this task, and so reaches a client that has subscribed.
                onConnect.accept(server);
                sink.success(server.connection);
            });
        });
    }

    /** Every connect asked for, refused and cancelled ones included, in order. */
    public List<TransportRequest> requests() {
        return List.copyOf(requests);
    }

    /** The accepted connections, from the first; does not complete. */
    public Flux<Server> connections() {
        return connections.asFlux();
    }

    /** The server side of accepted connection {@code index} (from 0), waiting up to {@link #TIMEOUT} for it. */
    public Server connection(int index) {
        Server server = connections.asFlux().skip(index).blockFirst(TIMEOUT);
        if (server == null) {
            throw new AssertionError("no connection " + index);
        }
        return server;
    }

    /**
     * Waits until the loop has run everything queued before this call, and what that queued in turn,
     * until it is idle. Not a sleep: it waits for the loop's own tasks to have run.
     */
    public void settle() {
        // A task may queue another (a responder's push), behind this marker: go round until none did.
        int before;
        do {
            CountDownLatch ran = new CountDownLatch(1);
            onLoop(ran::countDown);
            before = queued.get();
            try {
                if (!ran.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the in-memory loop did not settle within " + TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (queued.get() != before);
    }

    /**
     * Calls {@code action} from inside a subscriber of {@code events}, as an app's event handler is called:
     * on the loop, when connection {@code index} sends an event for the purpose (an {@code error} with code
     * {@code handler_trigger}, about no event of the client's). Waits up to {@link #TIMEOUT} for it to run,
     * and returns what happened, in order: whether it ran on the loop, whether Reactor deems that thread
     * non-blocking, then {@code "returned"} or what it threw.
     */
    public List<Object> callFromAnEventHandler(Flux<ServerEvent> events, int index, Runnable action) {
        List<Object> happened = new CopyOnWriteArrayList<>();
        CompletableFuture<ServerEvent> handled = events
                .filter(e -> e instanceof ServerEvent.Error error && "handler_trigger".equals(error.error().code()))
                .next()
                .doOnNext(trigger -> {
                    happened.add(isLoop(Thread.currentThread()));
                    happened.add(Schedulers.isInNonBlockingThread());
                    try {
                        action.run();
                        happened.add("returned");
                    } catch (RuntimeException thrown) {
                        happened.add(thrown);
                    }
                })
                .toFuture();
        connection(index).push(error("handler_trigger", "evt_handler_trigger"));
        try {
            handled.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the handler did not run: " + e, e);
        }
        return List.copyOf(happened);
    }

    /** Whatever threw on the loop thread (a subscriber, a responder), in order. */
    public List<Throwable> loopFailures() {
        return List.copyOf(loopFailures);
    }

    /** Whether {@code thread} is this transport's loop. */
    public boolean isLoop(Thread thread) {
        return thread instanceof LoopThread;
    }

    /** Stops the loop; connections still open stay so. */
    @Override
    public void close() {
        loop.shutdownNow();
    }

    private void onLoop(Runnable task) {
        queued.incrementAndGet();
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    loopFailures.add(t);
                }
            });
        } catch (RejectedExecutionException closed) {
            // the transport was closed: nothing runs any more
        }
    }

    // ---- server events, as the service writes them (GA) ----

    /** {@code session.created} for session {@code id}. */
    public static String sessionCreated(String id) {
        return "{\"type\":\"session.created\",\"event_id\":\"event_c_" + id + "\",\"session\":{\"type\":\"realtime\","
                + "\"object\":\"realtime.session\",\"id\":\"" + id + "\",\"model\":\"gpt-realtime\"}}";
    }

    /** {@code session.updated} echoing the session of the client's {@code session.update}. */
    public static String sessionUpdated(JsonNode sessionUpdate) {
        ObjectNode updated = JSON.createObjectNode().put("type", "session.updated").put("event_id", "event_u_" + sessionUpdate.path("event_id").asText());
        updated.set("session", sessionUpdate.path("session"));
        return updated.toString();
    }

    /** {@code response.created} for response {@code id}, in progress. */
    public static String responseCreated(String id) {
        return "{\"type\":\"response.created\",\"event_id\":\"event_rc_" + id + "\",\"response\":{\"id\":\"" + id
                + "\",\"object\":\"realtime.response\",\"status\":\"in_progress\",\"output\":[]}}";
    }

    /** {@code response.done} for response {@code id}, completed with the items {@code output} (each as JSON). */
    public static String responseDone(String id, String... output) {
        return "{\"type\":\"response.done\",\"event_id\":\"event_rd_" + id + "\",\"response\":{\"id\":\"" + id
                + "\",\"object\":\"realtime.response\",\"status\":\"completed\",\"output\":[" + String.join(",", output) + "]}}";
    }

    /** An {@code error} event with {@code code}, about the client event {@code eventId} (may be null). */
    public static String error(String code, String eventId) {
        ObjectNode error = JSON.createObjectNode().put("type", "invalid_request_error").put("code", code)
                .put("message", "in-memory error " + code);
        error.put("event_id", eventId);
        ObjectNode event = JSON.createObjectNode().put("type", "error").put("event_id", "event_e_" + code);
        event.set("error", error);
        return event.toString();
    }

    /** The loop's thread: non-blocking in Reactor's sense. */
    private static final class LoopThread extends Thread implements NonBlocking {
        LoopThread(Runnable task, String name) {
            super(task, name);
            setDaemon(true);
        }
    }

    /**
     * The server side of one connection. Every method may be called from any thread; what it does happens
     * on the loop, after whatever was asked for before it.
     */
    public final class Server {
        private final TransportRequest request;
        private final int index;
        private final Sinks.Many<byte[]> toClient = Sinks.many().unicast().onBackpressureBuffer();
        private final Sinks.Many<JsonNode> received = Sinks.many().replay().all();
        private final List<JsonNode> receivedSoFar = new CopyOnWriteArrayList<>();
        private final Sinks.One<CloseStatus> closeStatus = Sinks.one();
        private final Sinks.One<CloseStatus> clientClose = Sinks.one();
        private final Connection connection = new Connection();
        private boolean open = true; // the loop's alone

        private Server(TransportRequest request, int index) {
            this.request = request;
            this.index = index;
        }

        /** Which connection of the transport this is, from 0. */
        public int index() {
            return index;
        }

        /** The request the client connected with. */
        public TransportRequest request() {
            return request;
        }

        /** Sends {@code json} to the client as a text frame; ignored once the connection has ended. */
        public void push(String json) {
            byte[] frame = json.getBytes(StandardCharsets.UTF_8);
            onLoop(() -> {
                if (open) {
                    toClient.tryEmitNext(frame);
                }
            });
        }

        /** Closes from the server with a close frame of {@code code} and {@code reason}. */
        public void close(int code, String reason) {
            onLoop(() -> end(new CloseStatus(code, reason), null));
        }

        /** Ends the connection abruptly, without a close frame: the client sees 1006 and a {@link TransportException}. */
        public void drop() {
            onLoop(() -> end(CloseStatus.ABNORMAL, new TransportException("connection broken: dropped by the in-memory server", 0, null)));
        }

        /** What the client sent, decoded, from the first frame; completes when the connection has ended. */
        public Flux<JsonNode> received() {
            return received.asFlux();
        }

        /** The {@code type} of each frame the client sent so far, in order. */
        public List<String> receivedTypes() {
            return receivedSoFar.stream().map(n -> n.path("type").asText()).toList();
        }

        /** The first frame of {@code type} the client sent, waiting up to {@link #TIMEOUT} for it. */
        public JsonNode awaitReceived(String type) {
            JsonNode first = received().filter(n -> type.equals(n.path("type").asText())).blockFirst(TIMEOUT);
            if (first == null) {
                throw new AssertionError("the client sent no " + type + " before the connection ended; it sent " + receivedTypes());
            }
            return first;
        }

        /** The client's close frame; empty when the connection ended otherwise. */
        public Mono<CloseStatus> clientClose() {
            return clientClose.asMono();
        }

        /** How the connection ended, once it has. */
        public Mono<CloseStatus> closeStatus() {
            return closeStatus.asMono();
        }

        private void take(byte[] frame) {
            if (!open) {
                return; // written to a closed connection: lost, as on a socket
            }
            JsonNode event;
            try {
                event = JSON.readTree(frame);
            } catch (IOException e) {
                event = JSON.getNodeFactory().textNode(new String(frame, StandardCharsets.UTF_8));
            }
            receivedSoFar.add(event);
            received.tryEmitNext(event);
            BiConsumer<Server, JsonNode> responder = answers.get(event.path("type").asText());
            if (responder != null) {
                responder.accept(this, event);
            }
        }

        private void end(CloseStatus status, TransportException error) {
            if (!open) {
                return;
            }
            open = false;
            closeStatus.tryEmitValue(status);
            clientClose.tryEmitEmpty();
            received.tryEmitComplete();
            if (error != null) {
                toClient.tryEmitError(error);
            } else {
                toClient.tryEmitComplete();
            }
        }

        @Override
        public String toString() {
            return "InMemoryTransport.Server[" + index + "]";
        }

        /** The client's side. */
        private final class Connection implements TransportConnection {

            @Override
            public Flux<byte[]> inbound() {
                return toClient.asFlux();
            }

            @Override
            public Mono<Void> send(Publisher<byte[]> frames) {
                Sinks.Empty<Void> written = Sinks.empty();
                Flux.from(frames).subscribe(new BaseSubscriber<byte[]>() {
                    @Override
                    protected void hookOnSubscribe(Subscription subscription) {
                        request(1);
                    }

                    @Override
                    protected void hookOnNext(byte[] frame) {
                        onLoop(() -> {
                            take(frame);
                            request(1);
                        });
                    }

                    @Override
                    protected void hookOnComplete() {
                        onLoop(written::tryEmitEmpty);
                    }

                    @Override
                    protected void hookOnError(Throwable error) {
                        onLoop(() -> written.tryEmitError(error));
                    }
                });
                return written.asMono();
            }

            @Override
            public Mono<Void> close(int code, String reason) {
                // The server answers at once: the status is the client's, since its close frame came first.
                return Mono.create(sink -> onLoop(() -> {
                    if (open) {
                        clientClose.tryEmitValue(new CloseStatus(code, reason));
                        end(new CloseStatus(code, reason), null);
                    }
                    sink.success();
                }));
            }

            @Override
            public Mono<CloseStatus> closeStatus() {
                return closeStatus.asMono();
            }

            @Override
            public String subprotocol() {
                return request.subprotocols().isEmpty() ? null : request.subprotocols().get(0);
            }
        }
    }
}
