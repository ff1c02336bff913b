package io.rtvoice.telephony.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.CallDecision;
import io.rtvoice.telephony.CallEvent;
import io.rtvoice.telephony.CallMetrics;
import io.rtvoice.telephony.IncomingCall;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.VoiceSession;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One call: its dialog (RFC 3261 §12, the server side), its RTP socket and the voice session it is bridged to,
 * G.711 both ways: the caller's packets are the session's appends, the session's audio the caller's packets,
 * in the law the offer chose — no transcoding, no resampling.
 */
final class CallLeg {

    /** How long the latched RTP source must be silent before another may take its place. */
    private static final long RELATCH_AFTER_NANOS = 1_000_000_000L;

    private enum State { TRYING, RINGING, ANSWERING, ANSWERED, CONFIRMED, REJECTED, ENDED }

    private final Gateway gateway;
    private final SipMessage invite;
    private final InetSocketAddress source;
    private final String callId;
    final String localTag = Gateway.newTag();
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean counted = new AtomicBoolean();
    private final Disposable.Composite running = Disposables.composite();
    private final Sinks.One<Void> closed = Sinks.one();
    private final AtomicLong rejectedDatagrams = new AtomicLong();
    private final AtomicLong dtmfIn = new AtomicLong();
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicInteger bargeIns = new AtomicInteger();
    private final List<Long> voiceToVoiceMicros = new CopyOnWriteArrayList<>();
    private volatile State state = State.TRYING;
    private volatile Sdp offer;
    private volatile SipMessage lastInviteAnswer;
    private volatile ScheduledFuture<?> retransmit;
    private volatile ScheduledFuture<?> byeRetransmit;
    private volatile ScheduledFuture<?> mediaWatch;
    private volatile ScheduledFuture<?> callLimit;
    private volatile long lastMediaNanos;
    /** When the latched RTP source was last heard (0: none yet); on the network thread. */
    private long latchedNanos;
    private volatile InetSocketAddress callerRtp; // where the caller's RTP goes: the SDP's, then where its RTP comes from
    private volatile Channel rtp;
    private volatile RtpCapture capture;
    private volatile RtpPlayback playback;
    private volatile VoiceSession voice;
    private volatile Conversation conversation;
    private volatile long speechStartedNanos;
    private volatile long lastDtmfTimestamp = -1;

    CallLeg(Gateway gateway, SipMessage invite, InetSocketAddress source) {
        this.gateway = gateway;
        this.invite = invite;
        this.source = source;
        this.callId = invite.header("Call-ID");
    }

    boolean ended() {
        return state == State.ENDED || state == State.REJECTED;
    }

    /** The INVITE arrived: 100 at once, then the offer, the limit, the policy, the media socket, 180, the session, 200. */
    void begin() {
        gateway.send(SipMessage.response(invite, 100, "Trying", null), source);
        Sdp sdp;
        try {
            sdp = Sdp.parseOffer(invite.body());
        } catch (RuntimeException bad) {
            reject(488, "Not Acceptable Here", bad.getMessage());
            return;
        }
        offer = sdp;
        if (gateway.admitted.incrementAndGet() > gateway.settings.maxCalls()) {
            gateway.admitted.decrementAndGet();
            reject(486, "Busy Here", "the call limit (" + gateway.settings.maxCalls() + ") is reached");
            return;
        }
        counted.set(true);
        IncomingCall call = new IncomingCall(callId, invite.header("From"), invite.header("To"), invite.requestUri(),
                invite.headers(), source, sdp.codec());
        CallDecision decision;
        try {
            decision = gateway.settings.policy().decide(call);
        } catch (RuntimeException policyFailed) {
            reject(500, "Server Internal Error", "the call policy failed: " + policyFailed.getClass().getSimpleName());
            return;
        }
        if (decision == null || !decision.answers()) {
            reject(decision == null ? 603 : decision.status(), decision == null ? "Decline" : decision.reason(), "refused by the policy");
            return;
        }
        bindRtp(0, channel -> {
            rtp = channel;
            if (state != State.TRYING) { // cancelled meanwhile
                channel.close();
                return;
            }
            state = State.RINGING;
            answer(SipMessage.dialogResponse(invite, 180, "Ringing", localTag).add("Contact", gateway.contact()));
            gateway.emit(new CallEvent.Ringing(callId, call));
            Runnable start = () -> startSession(decision);
            if (decision.ringFor().isZero()) {
                start.run();
            } else {
                channel.eventLoop().schedule(start, decision.ringFor().toMillis(), TimeUnit.MILLISECONDS);
            }
        }, () -> reject(503, "Service Unavailable", "no RTP port"));
    }

    /** Binds the call's RTP socket: the next port of the range (trying on past ports in use), or any free one. */
    private void bindRtp(int attempt, Consumer<Channel> bound, Runnable failed) {
        int port = gateway.nextRtpPort();
        new Bootstrap().group(gateway.group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        onRtp(packet);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        rejectedDatagrams.incrementAndGet();
                    }
                })
                .bind(gateway.settings.host(), port).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        bound.accept(f.channel());
                    } else if (port != 0 && attempt < 20) {
                        bindRtp(attempt + 1, bound, failed);
                    } else {
                        failed.run();
                    }
                });
    }

    private void startSession(CallDecision decision) {
        if (state != State.RINGING) {
            return;
        }
        state = State.ANSWERING;
        boolean muLaw = offer.payloadType() == Sdp.PCMU;
        RealtimeAudioFormat law = muLaw ? RealtimeAudioFormat.G711_ULAW : RealtimeAudioFormat.G711_ALAW;
        SessionConfig base = decision.session() != null ? decision.session() : gateway.settings.session();
        SessionConfig config = (base == null ? SessionConfig.builder() : base.toBuilder())
                .inputAudioFormat(law).outputAudioFormat(law).build();
        callerRtp = offer.address();
        boolean sends = offer.sends(); // a caller that only sends (or holds the call) is sent nothing
        capture = new RtpCapture(muLaw);
        // Every packet goes through the network thread's queue, in the order it was numbered: a telephone-event sent
        // from that thread must not overtake audio packets queued before it.
        playback = new RtpPlayback(muLaw, offer.payloadType(), bytes -> {
            if (sends) {
                InetSocketAddress to = callerRtp;
                try {
                    rtp.eventLoop().execute(() -> rtp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to)));
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    // the gateway is closing: the packet has nowhere to go
                }
            }
        });
        running.add(Conversation.connect(gateway.settings.client()).flatMap(c -> {
            conversation = c;
            VoiceSession.Builder voiceBuilder = VoiceSession.builder().conversation(c).input(capture).output(playback).session(config);
            if (gateway.settings.localVad() != null) {
                voiceBuilder.localVad(gateway.settings.localVad());
            }
            VoiceSession session = voiceBuilder.build();
            voice = session;
            watch(c, session);
            return gateway.settings.setup().start(callId, c, session);
        }).subscribe(session -> {
            try {
                // On the SIP thread, as CANCEL and BYE are: a call ended meanwhile is never answered as well.
                gateway.sip.eventLoop().execute(this::answer);
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                // the gateway is closing: end() closes the session
            }
        }, failed -> end("service", "the Realtime session did not start", 503, "Service Unavailable").subscribe()));
    }

    /** The 200 with the SDP answer, once the session is ready; on the SIP thread. */
    private void answer() {
        if (state != State.ANSWERING) {
            return; // cancelled or ended while the session started: end() closes it
        }
        state = State.ANSWERED;
        InetSocketAddress local = new InetSocketAddress(gateway.settings.mediaHost(), ((InetSocketAddress) rtp.localAddress()).getPort());
        SipMessage ok = SipMessage.dialogResponse(invite, 200, "OK", localTag).add("Contact", gateway.contact())
                .add("Allow", Gateway.ALLOW).add("Server", gateway.settings.userAgent())
                .withBody("application/sdp", offer.answer(local, startNanos & Long.MAX_VALUE));
        answerReliably(ok);
    }

    /** Forwards the session's turns, barge-ins and end to the call. */
    private void watch(Conversation c, VoiceSession session) {
        running.add(c.events().subscribe(event -> {
            if (event instanceof ServerEvent.ResponseDone) {
                turns.incrementAndGet();
            } else if (event instanceof ServerEvent.InputAudioBufferSpeechStarted && gateway.settings.localVad() == null) {
                speechStartedNanos = System.nanoTime();
            }
        }, e -> end("service", "the Realtime session failed").subscribe(), () -> end("service", "the Realtime session ended").subscribe()));
        // With local VAD the barge-in starts at the detector's start (the server may say nothing, or say it later).
        running.add(session.speech().subscribe(speech -> {
            if (speech.kind() == SpeechEvent.Kind.STARTED) {
                speechStartedNanos = System.nanoTime();
            }
        }));
        running.add(session.latency().subscribe(sample -> {
            if (sample.kind() == LatencySample.Kind.VOICE_TO_VOICE) {
                voiceToVoiceMicros.add(sample.value().toNanos() / 1_000);
            }
        }));
        running.add(session.interruptions().subscribe(cut -> {
            bargeIns.incrementAndGet();
            long started = speechStartedNanos;
            // The fade after the cut goes out in the next period: judge the silence once it has.
            rtp.eventLoop().schedule(() -> gateway.emit(new CallEvent.BargeIn(callId, cut.itemId(), cut.playedMillis(),
                    Duration.ofNanos(Math.max(0, playback.lastAudioNanos() - started)))), 100, TimeUnit.MILLISECONDS);
        }));
    }

    /** A provisional answer to the INVITE, kept for its retransmissions. */
    private void answer(SipMessage response) {
        lastInviteAnswer = response;
        gateway.send(response, source);
    }

    /** A final answer to the INVITE, repeated until the ACK (timer G), given up after 64·T1. */
    private void answerReliably(SipMessage response) {
        answer(response);
        scheduleRetransmit(Gateway.T1_MILLIS, 0);
    }

    private void scheduleRetransmit(long interval, long elapsed) {
        Channel loop = gateway.sip;
        retransmit = loop.eventLoop().schedule(() -> {
            if (state != State.ANSWERED && state != State.REJECTED) {
                return;
            }
            if (elapsed + interval >= Gateway.GIVE_UP_MILLIS) {
                if (state == State.ANSWERED) {
                    end("gateway", "the caller never acknowledged the answer").subscribe();
                }
                return;
            }
            gateway.send(lastInviteAnswer, source);
            scheduleRetransmit(Math.min(interval * 2, Gateway.T2_MILLIS), elapsed + interval);
        }, interval, TimeUnit.MILLISECONDS);
    }

    private void reject(int status, String reason, String why) {
        if (state == State.REJECTED || state == State.ENDED) {
            return;
        }
        boolean wasRinging = state != State.TRYING;
        state = State.REJECTED;
        answerReliably(SipMessage.response(invite, status, reason, localTag));
        gateway.emit(new CallEvent.Rejected(callId, status, reason + " (" + why + ")"));
        release();
        if (!wasRinging) {
            ended.set(true); // nothing was opened for it: it has ended
            closed.tryEmitEmpty();
        }
        forgetLater();
    }

    void onInvite(SipMessage request, InetSocketAddress from) {
        if (invite.branch() != null && invite.branch().equals(request.branch())) {
            SipMessage last = lastInviteAnswer; // a retransmission: the same answer again
            gateway.send(last != null ? last : SipMessage.response(invite, 100, "Trying", null), from);
        } else if (SipMessage.tag(request.header("To")) != null) {
            // A re-INVITE: the session stays as it is (one codec, one address for the call's life).
            gateway.send(SipMessage.response(request, 488, "Not Acceptable Here", localTag)
                    .add("Warning", "399 rtvoice \"a call's session is not changed once answered\""), from);
        } else {
            gateway.send(SipMessage.response(request, 482, "Loop Detected", null), from);
        }
    }

    void onAck(SipMessage ack) {
        if (state == State.ANSWERED && ack.cseqNumber() == invite.cseqNumber()) {
            state = State.CONFIRMED;
            cancelRetransmit();
            watchMedia();
            gateway.emit(new CallEvent.Answered(callId, offer.codec(), (InetSocketAddress) rtp.localAddress()));
        } else if (state == State.REJECTED || state == State.ENDED) {
            cancelRetransmit();
        }
    }

    /**
     * Starts the answered call's two limits on the network thread's timer: no media for the media timeout, and the
     * maximum duration. Neither waits on the thread; end() cancels both.
     */
    private void watchMedia() {
        Duration timeout = gateway.settings.mediaTimeout();
        Duration longest = gateway.settings.maxCallDuration();
        lastMediaNanos = System.nanoTime();
        if (!timeout.isZero()) {
            checkMediaIn(timeout.toNanos());
        }
        if (!longest.isZero()) {
            callLimit = gateway.sip.eventLoop().schedule(
                    () -> end("gateway", "the call reached its longest duration (" + seconds(longest) + ")").subscribe(),
                    longest.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (ended.get()) { // ended while the timers were set: they must not outlive it
            cancelTimers();
        }
    }

    private void checkMediaIn(long delayNanos) {
        mediaWatch = gateway.sip.eventLoop().schedule(() -> {
            if (ended.get()) {
                return;
            }
            long timeout = gateway.settings.mediaTimeout().toNanos();
            long silent = System.nanoTime() - lastMediaNanos;
            if (silent >= timeout) {
                end("gateway", "no media for " + seconds(gateway.settings.mediaTimeout())).subscribe();
            } else {
                checkMediaIn(timeout - silent); // media came meanwhile: look again when it could next be due
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1_000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void cancelTimers() {
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {mediaWatch, callLimit}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    void onCancel(SipMessage cancel, InetSocketAddress from) {
        if (invite.branch() == null || !invite.branch().equals(cancel.branch())) {
            gateway.send(SipMessage.response(cancel, 481, "Call/Transaction Does Not Exist", null), from);
            return;
        }
        gateway.send(SipMessage.response(cancel, 200, "OK", localTag), from);
        State now = state;
        if (now == State.TRYING || now == State.RINGING || now == State.ANSWERING) {
            end("caller", "cancelled before the answer").subscribe();
            state = State.REJECTED;
            answerReliably(SipMessage.response(invite, 487, "Request Terminated", localTag));
        }
    }

    /**
     * A BYE of the caller's: only for this dialog (its From tag the INVITE's, its To tag ours: else 481). Before the
     * answer (an early dialog, RFC 3261 §15) the INVITE still needs its final answer: 487, like a CANCEL.
     */
    void onBye(SipMessage bye, InetSocketAddress from) {
        if (!localTag.equals(SipMessage.tag(bye.header("To")))
                || !java.util.Objects.equals(SipMessage.tag(invite.header("From")), SipMessage.tag(bye.header("From")))) {
            gateway.send(SipMessage.response(bye, 481, "Call/Transaction Does Not Exist", null), from);
            return;
        }
        gateway.send(SipMessage.response(bye, 200, "OK", localTag), from);
        State now = state;
        boolean early = now == State.TRYING || now == State.RINGING || now == State.ANSWERING;
        end("caller", early ? "the caller hung up before the answer" : "the caller hung up").subscribe();
        if (early) {
            state = State.REJECTED;
            answerReliably(SipMessage.response(invite, 487, "Request Terminated", localTag));
        }
    }

    void onInfo(SipMessage info, InetSocketAddress from) {
        gateway.send(SipMessage.response(info, 200, "OK", localTag), from);
        String type = info.header("Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/dtmf-relay")) {
            for (String line : new String(info.body(), StandardCharsets.UTF_8).split("\r?\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("Signal") && kv[1].trim().length() == 1) {
                    dtmf(Character.toUpperCase(kv[1].trim().charAt(0)));
                }
            }
        }
    }

    void onResponse(SipMessage response) {
        if ("BYE".equals(response.cseqMethod()) && response.status() >= 200) {
            ScheduledFuture<?> r = byeRetransmit;
            if (r != null) {
                r.cancel(false);
            }
        }
    }

    private void dtmf(char digit) {
        if ("0123456789*#ABCD".indexOf(digit) >= 0) {
            dtmfIn.incrementAndGet();
            gateway.emit(new CallEvent.Dtmf(callId, digit));
        }
    }

    /** One datagram on the call's RTP port. On the network thread. */
    private void onRtp(DatagramPacket datagram) {
        Sdp sdp = offer;
        RtpCapture in = capture;
        InetSocketAddress from = datagram.sender();
        if (sdp == null || in == null || !from.getAddress().equals(sdp.address().getAddress())
                && !from.getAddress().equals(source.getAddress())) {
            rejectedDatagrams.incrementAndGet(); // early, or a stranger: its audio never reaches the call
            return;
        }
        lastMediaNanos = System.nanoTime(); // RTP, RTCP muxed or not: the caller is still there
        ByteBuf content = datagram.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        RtpPacket packet = RtpPacket.parse(bytes, bytes.length);
        if (packet != null && gateway.settings.symmetricRtp()
                && (packet.payloadType() == sdp.payloadType() || packet.payloadType() == sdp.telephoneEvent())) {
            // Symmetric RTP (RFC 4961 practice): a caller behind NAT names a private address in its SDP; its packets
            // come from the public one, so the call's RTP goes back there. Only from the SDP's or signalling's host
            // (above); and once latched, another source takes over only after the latched one has fallen silent (a
            // NAT that rebound), never while it still sends: a second device behind the same address gets nothing.
            long now = System.nanoTime();
            if (!from.equals(callerRtp)) {
                if (latchedNanos != 0 && now - latchedNanos < RELATCH_AFTER_NANOS) {
                    rejectedDatagrams.incrementAndGet();
                    return;
                }
                callerRtp = from;
            }
            latchedNanos = now;
        }
        if (packet == null) {
            rejectedDatagrams.incrementAndGet();
        } else if (packet.payloadType() == sdp.payloadType()) {
            in.received(packet);
        } else if (packet.payloadType() == sdp.telephoneEvent() && packet.payload().length >= 4) {
            if (packet.timestamp() != lastDtmfTimestamp) { // an event's packets share its timestamp: one digit
                lastDtmfTimestamp = packet.timestamp();
                int event = packet.payload()[0] & 0xFF;
                if (event <= 15) {
                    dtmf("0123456789*#ABCD".charAt(event));
                }
            }
        } else {
            rejectedDatagrams.incrementAndGet();
        }
    }

    /** Sends DTMF digits as RFC 4733 telephone-events (100 ms each, 60 ms apart), beside the audio. */
    boolean sendDtmf(String digits) {
        Sdp sdp = offer;
        RtpPlayback out = playback;
        Channel channel = rtp;
        if (sdp == null || sdp.telephoneEvent() < 0 || !sdp.sends() || out == null || channel == null || state != State.CONFIRMED) {
            return false;
        }
        long delay = 0;
        for (char d : digits.toUpperCase(Locale.ROOT).toCharArray()) {
            int event = "0123456789*#ABCD".indexOf(d);
            if (event < 0) {
                throw new IllegalArgumentException("not a DTMF digit: " + d);
            }
            channel.eventLoop().schedule(() -> sendEvent(event, sdp, out, channel), delay, TimeUnit.MILLISECONDS);
            delay += 160;
        }
        return true;
    }

    /** One key: 8 packets over 100 ms, one timestamp (the event's start), each numbered when it is sent. */
    private void sendEvent(int event, Sdp sdp, RtpPlayback out, Channel channel) {
        long timestamp = out.timestamp();
        for (int i = 0; i < 8; i++) {
            boolean end = i >= 5;
            boolean first = i == 0;
            int duration = Math.min(i + 1, 5) * 160;
            byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >>> 8), (byte) duration};
            channel.eventLoop().schedule(() -> sendEventPacket(channel, out, sdp.telephoneEvent(), first, timestamp, payload),
                    Math.min(i, 5) * 20L, TimeUnit.MILLISECONDS);
        }
    }

    /** One telephone-event packet, now or, while the audio's writer holds the stream, a millisecond later. */
    private void sendEventPacket(Channel channel, RtpPlayback out, int payloadType, boolean first, long timestamp, byte[] payload) {
        if (!out.trySendEvent(payloadType, first, timestamp, payload)) {
            channel.eventLoop().schedule(() -> sendEventPacket(channel, out, payloadType, first, timestamp, payload),
                    1, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Ends the call once: a BYE to an answered caller (unless the caller ended it), the voice session (and so the
     * service's), the RTP socket; then {@link CallEvent.HungUp}.
     */
    Mono<Void> end(String by, String reason) {
        return end(by, reason, 480, "Temporarily Unavailable");
    }

    /**
     * {@link #end(String, String)}; a call not yet answered gets {@code status} (repeated until its ACK, timer G).
     * The app hears of it once, as {@link CallEvent.HungUp}: a call that rang never also ends as Rejected.
     */
    private Mono<Void> end(String by, String reason, int status, String statusReason) {
        if (!ended.compareAndSet(false, true)) {
            return closed.asMono();
        }
        State was = state;
        state = was == State.REJECTED ? State.REJECTED : State.ENDED; // a final answer already sent is still repeated
        if (!by.equals("caller") && (was == State.ANSWERED || was == State.CONFIRMED)) {
            sendBye();
        } else if (!by.equals("caller") && (was == State.TRYING || was == State.RINGING || was == State.ANSWERING)) {
            state = State.REJECTED;
            answerReliably(SipMessage.response(invite, status, statusReason, localTag));
        }
        if (was == State.ANSWERED || was == State.CONFIRMED) {
            cancelRetransmit();
        }
        cancelTimers();
        running.dispose();
        VoiceSession session = voice;
        Mono<Void> upstream = session != null ? session.closeGracefully()
                : conversation != null ? conversation.closeGracefully() : Mono.empty();
        if (session == null) {
            if (capture != null) {
                capture.close();
            }
            if (playback != null) {
                playback.close();
            }
        }
        return upstream.onErrorResume(e -> Mono.empty()).then(Mono.defer(() -> {
            Channel channel = rtp;
            return channel == null ? Mono.<Void>empty() : Gateway.done(channel.close()).onErrorResume(e -> Mono.empty());
        })).doFinally(s -> {
            release();
            gateway.emit(new CallEvent.HungUp(callId, by, reason, metrics()));
            forgetLater();
            closed.tryEmitEmpty();
        });
    }

    private void sendBye() {
        String from = invite.header("To");
        if (SipMessage.tag(from) == null) {
            from = from + ";tag=" + localTag;
        }
        String contact = invite.header("Contact");
        String target = contact != null ? SipMessage.uri(contact) : SipMessage.uri(invite.header("From"));
        // The route set (RFC 3261 §12.1.1, §12.2.1.1): for this end, the INVITE's Record-Route values in order.
        List<String> routes = new java.util.ArrayList<>(invite.all("Record-Route"));
        String requestUri = target;
        if (!routes.isEmpty() && SipMessage.param(SipMessage.uri(routes.get(0)), "lr") == null) {
            requestUri = SipMessage.uri(routes.remove(0)); // a strict router: it is the Request-URI, the target the last Route
            routes.add("<" + target + ">");
        }
        SipMessage bye = SipMessage.request("BYE", requestUri)
                .add("Via", "SIP/2.0/UDP " + gateway.settings.mediaHost() + ":" + gateway.sipAddress().getPort()
                        + ";branch=" + Gateway.newBranch() + ";rport")
                .add("Max-Forwards", "70").add("From", from).add("To", invite.header("From")).add("Call-ID", callId)
                .add("CSeq", "1 BYE").add("User-Agent", gateway.settings.userAgent());
        for (String route : routes) {
            bye.add("Route", route);
        }
        // The next hop: the first route's (or the strict router's) address when it is numeric, else where the INVITE came from.
        InetSocketAddress hop = invite.all("Record-Route").isEmpty() ? null
                : SipMessage.address(SipMessage.uri(invite.all("Record-Route").get(0)));
        InetSocketAddress to = hop != null ? hop : source;
        gateway.send(bye, to);
        retransmitBye(bye, to, Gateway.T1_MILLIS, 0);
    }

    private void retransmitBye(SipMessage bye, InetSocketAddress to, long interval, long elapsed) {
        byeRetransmit = gateway.sip.eventLoop().schedule(() -> {
            if (elapsed + interval >= Gateway.GIVE_UP_MILLIS) {
                return;
            }
            gateway.send(bye, to);
            retransmitBye(bye, to, Math.min(interval * 2, Gateway.T2_MILLIS), elapsed + interval);
        }, interval, TimeUnit.MILLISECONDS);
    }

    private void cancelRetransmit() {
        ScheduledFuture<?> r = retransmit;
        if (r != null) {
            r.cancel(false);
        }
    }

    private void release() {
        if (counted.compareAndSet(true, false)) {
            gateway.admitted.decrementAndGet();
        }
    }

    /** Kept for 64·T1 after the end, so that retransmitted requests of the call get their answers again. */
    private void forgetLater() {
        gateway.sip.eventLoop().schedule(() -> gateway.calls.remove(callId, this), Gateway.GIVE_UP_MILLIS, TimeUnit.MILLISECONDS);
    }

    private CallMetrics metrics() {
        RtpCapture in = capture;
        RtpPlayback out = playback;
        long[] sorted = voiceToVoiceMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        return new CallMetrics(Duration.ofNanos(System.nanoTime() - startNanos), in == null ? 0 : in.used(),
                out == null ? 0 : out.packets(), in == null ? 0 : in.lost(), in == null ? 0 : in.lateOrDuplicate(),
                in == null ? 0 : in.reordered(), rejectedDatagrams.get(), dtmfIn.get(), turns.get(), bargeIns.get(),
                Percentiles.of(sorted, 50), Percentiles.of(sorted, 95));
    }
}
