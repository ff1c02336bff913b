package io.rtvoice.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtvoice.AuthenticationException;
import io.rtvoice.ClientSecrets;
import io.rtvoice.EphemeralKey;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The second page mode: {@code POST /session} mints a short-lived key for the page's session, and the page connects
 * to the Realtime endpoint itself with it (the {@code openai-insecure-api-key.} subprotocol, as a browser cannot set
 * headers). The relay's own key never leaves it; the page's key opens sessions only until it expires.
 */
public final class KeyMint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 32 * 1024;

    private final ClientSecrets secrets;
    private final Duration ttl;
    private final URI realtime;
    private final SessionConfig defaults;
    private final boolean pageMaySetSession;
    private final AtomicLong minted = new AtomicLong();

    public KeyMint(ClientSecrets secrets, Duration ttl, URI realtime, SessionConfig defaults, boolean pageMaySetSession) {
        this.secrets = secrets;
        this.ttl = ttl;
        this.realtime = realtime;
        this.defaults = defaults;
        this.pageMaySetSession = pageMaySetSession;
    }

    /** Keys minted so far. */
    public long minted() {
        return minted.get();
    }

    /** Answers {@code POST /session}: {@code {value, expiresAt, url, sampleRate}}, never cached. */
    public Publisher<Void> mint(HttpServerRequest req, HttpServerResponse res) {
        // Anyone may post (a program sends no Origin): the body is bounded as it arrives, not once it is all in memory.
        long declared;
        try {
            declared = Long.parseLong(req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH, "-1").trim());
        } catch (NumberFormatException notANumber) {
            return answer(res, HttpResponseStatus.BAD_REQUEST, error("Content-Length is not a number"));
        }
        if (declared > MAX_BODY_BYTES) {
            return tooLarge(res);
        }
        return req.receive().reduce(new ByteArrayOutputStream(), (body, chunk) -> {
            if (body.size() + chunk.readableBytes() > MAX_BODY_BYTES) {
                throw new BodyTooLarge();
            }
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            body.writeBytes(bytes);
            return body;
        }).map(body -> body.toString(StandardCharsets.UTF_8)).flatMap(body -> {
            SessionConfig session;
            try {
                JsonNode choice = JSON.readTree(body.isEmpty() ? "{}" : body);
                session = SessionChoice.of(defaults, pageMaySetSession, choice == null || !choice.isObject()
                        ? JSON.createObjectNode() : choice);
            } catch (IllegalArgumentException | java.io.IOException bad) {
                return answer(res, HttpResponseStatus.BAD_REQUEST, error(bad instanceof IllegalArgumentException
                        ? bad.getMessage() : "the body is not JSON"));
            }
            return secrets.create(session, ttl).flatMap(key -> {
                minted.incrementAndGet();
                return answer(res, HttpResponseStatus.OK, keyFor(key));
            }).onErrorResume(e -> answer(res, HttpResponseStatus.BAD_GATEWAY, error(e instanceof AuthenticationException
                    ? "the service refused the relay's credentials" : "the service did not mint a key: " + e.getClass().getSimpleName())));
        }).onErrorResume(BodyTooLarge.class, e -> tooLarge(res));
    }

    /** 413, and the connection closed after it: the rest of the body is not read. */
    private static Mono<Void> tooLarge(HttpServerResponse res) {
        return res.status(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE).header(HttpHeaderNames.CONNECTION, "close")
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json").header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .sendString(Mono.just(error("a session request is at most " + MAX_BODY_BYTES + " bytes").toString())).then();
    }

    /** The body passed the limit while it was arriving. */
    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    private ObjectNode keyFor(EphemeralKey key) {
        return JSON.createObjectNode().put("value", key.value()).put("expiresAt", key.expiresAt().getEpochSecond())
                .put("url", realtime.toString()).put("sampleRate", RealtimeAudioFormat.PCM_RATE_HZ);
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static Mono<Void> answer(HttpServerResponse res, HttpResponseStatus status, ObjectNode body) {
        return res.status(status).header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store").sendString(Mono.just(body.toString())).then();
    }
}
