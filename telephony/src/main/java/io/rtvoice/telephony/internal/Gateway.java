package io.rtvoice.telephony.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.telephony.CallPolicy;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The SIP user agent (UDP, RFC 3261, the server side of calls and the BYE of its own): one socket for signalling,
 * one per call for RTP, all on one network thread. Requests are answered to where they came from (as with
 * {@code rport}); a retransmitted request gets the last answer again; final answers to an INVITE are repeated
 * until the ACK comes (timer G), a BYE of ours until its answer (timer E), both for at most 32 s (64·T1).
 */
public final class Gateway {

    static final long T1_MILLIS = 500;
    static final long T2_MILLIS = 4_000;
    static final long GIVE_UP_MILLIS = 64 * T1_MILLIS;
    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";

    final Settings settings;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final Map<String, CallLeg> calls = new ConcurrentHashMap<>();
    final AtomicInteger admitted = new AtomicInteger();
    final Sinks.Many<CallEvent> events = Sinks.many().multicast().directBestEffort();
    private final FluxSink<CallEvent> emitter = Serial.into(events);
    final AtomicLong malformedSip = new AtomicLong();
    final AtomicLong nextRtpPort;
    final Channel sip;
    final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong());

    /**
     * What the gateway was built with.
     *
     * @param host the address to listen on (SIP and RTP)
     * @param mediaHost the IPv4 address put in SDP and Contact (the host, unless it listens on every interface)
     * @param sipPort the SIP port (0: any)
     * @param rtpPortFrom the first RTP port to try (0: any free port)
     * @param rtpPortTo the last RTP port to try
     * @param localVad local turn taking for every call (null: the session's turn detection only)
     * @param mediaTimeout how long an answered call may receive nothing on its RTP port before it is hung up (zero: never)
     * @param maxCallDuration how long an answered call may last before it is hung up (zero: no limit)
     * @param symmetricRtp whether a call's RTP goes to where the caller's comes from (else: always to the SDP's address)
     * @param setup the app's setup of each call's session
     */
    public record Settings(RealtimeClient client, SessionConfig session, CallPolicy policy, int maxCalls, String host,
            String mediaHost, int sipPort, int rtpPortFrom, int rtpPortTo, String userAgent, LocalVad localVad,
            java.time.Duration mediaTimeout, java.time.Duration maxCallDuration, boolean symmetricRtp, SessionSetup setup) {
    }

    public Gateway(Settings settings) {
        this.settings = settings;
        this.nextRtpPort = new AtomicLong(settings.rtpPortFrom());
        try {
            this.sip = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            onSip(packet);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            malformedSip.incrementAndGet(); // a datagram's handling failed: the socket goes on
                        }
                    })
                    .bind(settings.host(), settings.sipPort()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("interrupted while binding the SIP port", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress sipAddress() {
        return (InetSocketAddress) sip.localAddress();
    }

    public Flux<CallEvent> events() {
        return events.asFlux();
    }

    public int activeCalls() {
        return (int) calls.values().stream().filter(c -> !c.ended()).count();
    }

    public long malformedSip() {
        return malformedSip.get();
    }

    /** One event to the app, from any thread: the SIP thread, the RTP threads' timers and Reactor's threads all emit. */
    void emit(CallEvent event) {
        emitter.next(event);
    }

    /** One datagram on the SIP port. On the network thread: nothing here waits. */
    private void onSip(DatagramPacket packet) {
        ByteBuf content = packet.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        InetSocketAddress source = packet.sender();
        if (isKeepAlive(bytes)) {
            return; // RFC 5626 CRLF keep-alive
        }
        SipMessage message;
        try {
            message = SipMessage.parse(bytes, bytes.length);
        } catch (SipParseException | IllegalArgumentException | IndexOutOfBoundsException bad) {
            malformedSip.incrementAndGet();
            SipMessage partial = bad instanceof SipParseException p ? p.partial() : null;
            if (partial != null && partial.isRequest() && !partial.method().equals("ACK")) {
                send(SipMessage.response(partial, 400, "Bad Request (" + bad.getMessage() + ")", null), source);
            }
            return;
        }
        if (message.isRequest()) {
            onRequest(message, source);
        } else {
            CallLeg leg = calls.get(message.header("Call-ID"));
            if (leg != null) {
                leg.onResponse(message);
            }
        }
    }

    private static boolean isKeepAlive(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private void onRequest(SipMessage request, InetSocketAddress source) {
        String callId = request.header("Call-ID");
        CallLeg leg = calls.get(callId);
        switch (request.method()) {
            case "INVITE" -> {
                if (leg == null) {
                    CallLeg fresh = new CallLeg(this, request, source);
                    calls.put(callId, fresh);
                    fresh.begin();
                } else {
                    leg.onInvite(request, source);
                }
            }
            case "ACK" -> {
                if (leg != null) {
                    leg.onAck(request);
                }
            }
            case "CANCEL" -> {
                if (leg == null) {
                    send(SipMessage.response(request, 481, "Call/Transaction Does Not Exist", null), source);
                } else {
                    leg.onCancel(request, source);
                }
            }
            case "BYE" -> {
                if (leg == null) {
                    send(SipMessage.response(request, 481, "Call/Transaction Does Not Exist", null), source);
                } else {
                    leg.onBye(request, source);
                }
            }
            case "INFO" -> {
                if (leg == null) {
                    send(SipMessage.response(request, 481, "Call/Transaction Does Not Exist", null), source);
                } else {
                    leg.onInfo(request, source);
                }
            }
            case "OPTIONS" -> send(SipMessage.response(request, 200, "OK", leg == null ? instance : leg.localTag)
                    .add("Allow", ALLOW).add("Accept", "application/sdp").add("Server", settings.userAgent()), source);
            default -> send(SipMessage.response(request, 405, "Method Not Allowed", null).add("Allow", ALLOW), source);
        }
    }

    void send(SipMessage message, InetSocketAddress to) {
        sip.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(message.encode()), to));
    }

    /** The Contact of this gateway. */
    String contact() {
        return "<sip:rtvoice@" + settings.mediaHost() + ":" + sipAddress().getPort() + ">";
    }

    /** A new branch for a request of ours (RFC 3261 magic cookie). */
    static String newBranch() {
        return "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** A port for a call's RTP: the next of the range, or any free one. */
    int nextRtpPort() {
        if (settings.rtpPortFrom() == 0) {
            return 0;
        }
        int span = settings.rtpPortTo() - settings.rtpPortFrom() + 1;
        long n = nextRtpPort.getAndAdd(2) - settings.rtpPortFrom();
        return settings.rtpPortFrom() + (int) (n % span) / 2 * 2; // even ports for RTP, as is customary
    }

    public Mono<Void> hangUp(String callId) {
        CallLeg leg = calls.get(callId);
        return leg == null ? Mono.empty() : leg.end("gateway", "hung up by the application");
    }

    public boolean sendDtmf(String callId, String digits) {
        CallLeg leg = calls.get(callId);
        return leg != null && leg.sendDtmf(digits);
    }

    private final java.util.concurrent.atomic.AtomicReference<Mono<Void>> closing = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Ends every call (BYE to each answered caller), then closes the sockets; once: a later call gets the same
     * completion (the network thread it would be told on is gone by then).
     */
    public Mono<Void> close() {
        closing.compareAndSet(null, shutDown().cache()); // shutDown() does nothing until subscribed
        return closing.get();
    }

    private Mono<Void> shutDown() {
        return Flux.fromIterable(calls.values()).flatMap(leg -> leg.end("gateway", "shutting down"))
                // The BYEs have left by then (written before); nothing waits for their answers.
                .then(Mono.defer(() -> done(sip.close())))
                .onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> done(group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS))))
                .doFinally(s -> emitter.complete());
    }

    /** A Netty future as a Mono that completes with it, on its thread: nothing waits for it. */
    static Mono<Void> done(io.netty.util.concurrent.Future<?> future) {
        return Mono.create(sink -> future.addListener(f -> {
            if (f.isSuccess()) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
    }
}
