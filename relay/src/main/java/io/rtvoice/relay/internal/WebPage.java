package io.rtvoice.relay.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The page's files (HTML and JavaScript modules, no build step), served from the jar, and {@code /config}: the
 * relay's defaults the page shows. Only the files named here are served: no path reaches anything else.
 */
public final class WebPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/worklets.js", "text/javascript; charset=utf-8",
            "/direct.js", "text/javascript; charset=utf-8",
            "/style.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> contents;
    private final String config;

    public WebPage(SessionConfig session, boolean pageMaySetSession, boolean direct) {
        this.contents = FILES.keySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(f -> f, WebPage::load));
        ObjectNode c = JSON.createObjectNode();
        c.put("sampleRate", 24_000).put("pageMaySetSession", pageMaySetSession).put("direct", direct);
        if (pageMaySetSession) { // the page edits them; otherwise they are the operator's prompt, not the page's to read
            c.put("instructions", session == null || session.instructions() == null ? "" : session.instructions());
        }
        c.put("voice", session == null || session.voice() == null || session.voice().name() == null ? "alloy"
                : session.voice().name());
        TurnDetection vad = session == null ? null : session.turnDetection();
        c.put("vad", vad == null || vad.type() == null ? "server_vad" : vad.type());
        this.config = c.toString();
    }

    private static byte[] load(String path) {
        try (InputStream in = WebPage.class.getResourceAsStream("/io/rtvoice/relay/web" + path)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay's defaults, as JSON: the instructions only when the page may change them. */
    public Publisher<Void> config(HttpServerResponse res) {
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json").header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .sendString(Mono.just(config));
    }

    /** A file of the page, or 404. */
    public Publisher<Void> file(String path, HttpServerResponse res) {
        String name = path.isEmpty() || path.equals("/") ? "/index.html" : path.startsWith("/") ? path : "/" + path;
        byte[] body = contents.get(name);
        if (body == null) {
            return res.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("not found\n"));
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, FILES.get(name))
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .sendByteArray(Mono.just(body));
    }
}
