package io.rtvoice.relay.internal;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.rtvoice.relay.PageRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.netty.http.server.HttpServerRequest;

/** A reactor-netty request as the {@link PageRequest} an authorizer sees. */
public final class PageRequests {

    private PageRequests() {
    }

    public static PageRequest of(HttpServerRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        req.requestHeaders().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(h.getValue()));
        headers.replaceAll((k, v) -> List.copyOf(v));
        Map<String, String> cookies = new LinkedHashMap<>();
        req.allCookies().forEach((name, values) -> {
            if (!values.isEmpty()) {
                Cookie first = values.get(0);
                cookies.put(name.toString(), first.value());
            }
        });
        Map<String, List<String>> query = new LinkedHashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, List.copyOf(v)));
        InetSocketAddress remote = req.remoteAddress();
        return new PageRequest(uri.path(), query, headers, cookies, remote);
    }
}
