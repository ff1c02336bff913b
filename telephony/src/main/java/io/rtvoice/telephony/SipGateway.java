package io.rtvoice.telephony;

import io.rtvoice.RealtimeClient;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.telephony.internal.Gateway;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SessionSetup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A SIP/RTP gateway: the application is itself a SIP user agent that answers calls (UDP; INVITE, ACK, BYE,
 * CANCEL, OPTIONS, INFO; a re-INVITE refused with 488) and bridges each to a Realtime session with G.711 both
 * ways — the caller's PCMU or PCMA packets become the session's {@code audio/pcmu} or {@code audio/pcma} appends
 * and the model's audio goes back as 20 ms RTP packets, with no transcoding or resampling.
 *
 * <pre>{@code
 * try (SipGateway gateway = SipGateway.builder().client(client).sipPort(5060)
 *         .policy(call -> call.from().contains("sip:blocked@") ? CallDecision.reject(403, "Forbidden") : CallDecision.answer())
 *         .maxCalls(50).start()) {
 *     gateway.events().subscribe(System.out::println); // ringing, answered, DTMF, barge-in, hung up (with metrics)
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Barge-in</b> is the voice session's: when the caller speaks during an answer the gateway stops sending
 * it, and the truncation is the audio it had really sent as RTP ({@link CallEvent.BargeIn}).
 *
 * <p><b>The caller's audio</b> is put back in order (out-of-order packets within a few, late and duplicate ones
 * dropped), with a {@link io.rtvoice.audio.PlayoutBuffer} as the jitter buffer. Datagrams on a call's port that
 * are not its RTP (malformed, another payload type, from a stranger) are counted and dropped, and never end a call;
 * so is malformed SIP (answered 400 where it can be).
 */
public final class SipGateway implements AutoCloseable {

    private final Gateway gateway;

    private SipGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** A builder: the client is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where it listens for SIP. */
    public InetSocketAddress sipAddress() {
        return gateway.sipAddress();
    }

    /** Calls now: ringing, being answered or answered. */
    public int activeCalls() {
        return gateway.activeCalls();
    }

    /** Datagrams on the SIP port that were not SIP it could use. */
    public long malformedSip() {
        return gateway.malformedSip();
    }

    /** Every call's events, as they happen, to whoever subscribes then. */
    public Flux<CallEvent> events() {
        return gateway.events();
    }

    /** Ends a call from this side (BYE); completes when it has ended. Unknown or ended calls: at once. */
    public Mono<Void> hangUp(String callId) {
        return gateway.hangUp(callId);
    }

    /**
     * Sends DTMF digits to the caller as RFC 4733 telephone-events.
     *
     * @return false when the call is unknown, not answered, or its caller did not offer telephone-event
     * @throws IllegalArgumentException for a character that is not a DTMF digit
     */
    public boolean sendDtmf(String callId, String digits) {
        return gateway.sendDtmf(callId, digits);
    }

    /** Ends every call (BYE to each answered caller) and closes the sockets. */
    public Mono<Void> closeGracefully() {
        return gateway.close();
    }

    /** {@link #closeGracefully()}, waiting up to 10 s unless on a non-blocking thread. */
    @Override
    public void close() {
        Mono<Void> done = closeGracefully();
        if (Schedulers.isInNonBlockingThread()) {
            done.subscribe(null, e -> { });
        } else {
            done.block(Duration.ofSeconds(10));
        }
    }

    /** Builds and starts a {@link SipGateway}. */
    public static final class Builder {
        private RealtimeClient client;
        private SessionConfig session;
        private CallPolicy policy = CallPolicy.ANSWER_ALL;
        private int maxCalls = 100;
        private String host = "127.0.0.1";
        private String mediaHost;
        private int sipPort = 5060;
        private int rtpPortFrom;
        private int rtpPortTo;
        private String userAgent = "rtvoice";
        private LocalVad localVad;
        private SessionSetup setup = SessionSetup.NONE;
        private Duration mediaTimeout = Duration.ofSeconds(30);
        private Duration maxCallDuration = Duration.ofHours(4);
        private boolean symmetricRtp = true;

        private Builder() {
        }

        /** The service's client: each answered call opens one session on it. */
        public Builder client(RealtimeClient client) {
            this.client = client;
            return this;
        }

        /** The session configuration of every call (a policy may give a call its own); its audio formats are set to the call's law. */
        public Builder session(SessionConfig session) {
            this.session = session;
            return this;
        }

        /** Which calls to answer, and how (default: every call, with the gateway's session). */
        public Builder policy(CallPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Calls at once (default 100); one more gets 486 Busy Here. */
        public Builder maxCalls(int maxCalls) {
            if (maxCalls < 1) {
                throw new IllegalArgumentException("maxCalls " + maxCalls + " (expected at least 1)");
            }
            this.maxCalls = maxCalls;
            return this;
        }

        /** The IPv4 address to listen on for SIP and RTP (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The IPv4 address callers reach this gateway at, put in SDP and Contact (default: the host; required when
         * the host is 0.0.0.0).
         */
        public Builder mediaHost(String mediaHost) {
            this.mediaHost = Objects.requireNonNull(mediaHost, "mediaHost");
            return this;
        }

        /** The SIP port (default 5060; 0 for any free one, see {@link SipGateway#sipAddress()}). */
        public Builder sipPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("sipPort " + port + " (expected 0..65535)");
            }
            this.sipPort = port;
            return this;
        }

        /** The RTP ports, one per call, even numbers from {@code from} to {@code to} (default: any free port). */
        public Builder rtpPorts(int from, int to) {
            if (from < 1_024 || to > 65_534 || to < from + 1) {
                throw new IllegalArgumentException("rtpPorts " + from + ".." + to + " (expected 1024 <= from < to <= 65534)");
            }
            this.rtpPortFrom = from;
            this.rtpPortTo = to;
            return this;
        }

        /** The User-Agent and Server header (default {@code rtvoice}). */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /**
         * Local turn taking for every call ({@link io.rtvoice.voice.VoiceSession.Builder#localVad}; null, the default:
         * off). The detector hears the caller as PCM16 at the G.711 rate, 8 kHz. When the call's
         * session (the gateway's, or the policy's) has no turn detection, only the caller's speech is sent and each call
         * commits its turns and asks for the answers itself; with turn detection, the server still takes the turns and
         * the detector only cuts the answer at once when the caller speaks.
         */
        public Builder localVad(LocalVad localVad) {
            this.localVad = localVad;
            return this;
        }

        /**
         * How long an answered call may receive no datagram on its RTP port (from the caller's addresses) before the
         * gateway hangs it up with a BYE (default 30 s; zero: never): a caller that vanished without a BYE (a crashed
         * phone, a changed NAT binding, a lost BYE) would otherwise hold its call, its session and its slot for good.
         * {@link CallEvent.HungUp} says {@code gateway}, "no media for 30 s".
         */
        public Builder mediaTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "mediaTimeout").isNegative()) {
                throw new IllegalArgumentException("mediaTimeout " + timeout + " (expected >= 0)");
            }
            this.mediaTimeout = timeout;
            return this;
        }

        /** How long an answered call may last before the gateway hangs it up with a BYE (default 4 h; zero: no limit). */
        public Builder maxCallDuration(Duration duration) {
            if (Objects.requireNonNull(duration, "maxCallDuration").isNegative()) {
                throw new IllegalArgumentException("maxCallDuration " + duration + " (expected >= 0)");
            }
            this.maxCallDuration = duration;
            return this;
        }

        /**
         * Symmetric RTP (default true): once a call's RTP arrives (from the host its SDP or its signalling names), the
         * gateway sends the call's RTP back to where it came from, not to the SDP's address — a phone behind NAT names
         * a private address it cannot be reached at. False: always to the SDP's address, for a caller that sends from
         * one port and receives on another.
         */
        public Builder symmetricRtp(boolean symmetric) {
            this.symmetricRtp = symmetric;
            return this;
        }

        /**
         * The app's setup of each answered call's session ({@link SessionSetup}: tools on its conversation, its
         * transcripts …), before it starts and so before the 200 OK; the id is the call's SIP Call-ID, as in its
         * {@link CallEvent}s.
         */
        public Builder setup(SessionSetup setup) {
            this.setup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /** Binds the SIP port and starts answering. */
        public SipGateway start() {
            Objects.requireNonNull(client, "client");
            String media = mediaHost != null ? mediaHost : host;
            if (media.equals("0.0.0.0")) {
                throw new IllegalArgumentException("listening on 0.0.0.0 needs mediaHost: the address callers reach");
            }
            if (!media.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("mediaHost must be an IPv4 address: " + media);
            }
            return new SipGateway(new Gateway(new Gateway.Settings(client, session, policy, maxCalls, host, media, sipPort,
                    rtpPortFrom, rtpPortTo, userAgent, localVad, mediaTimeout, maxCallDuration, symmetricRtp, setup)));
        }
    }
}
