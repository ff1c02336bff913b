package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ServerEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The transport tunnels through an HTTP proxy with CONNECT. */
class HttpProxyTest {

    /** A minimal CONNECT proxy on loopback that records the targets it was asked for. */
    static final class ConnectProxy implements AutoCloseable {
        final ServerSocket server;
        final List<String> targets = new CopyOnWriteArrayList<>();

        ConnectProxy() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "test-connect-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                    String request = in.readLine(); // CONNECT host:port HTTP/1.1
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // headers
                    }
                    String target = request.split(" ")[1];
                    targets.add(target);
                    Socket upstream = new Socket(target.substring(0, target.lastIndexOf(':')),
                            Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)));
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    pipe(client.getInputStream(), upstream.getOutputStream());
                    pipe(upstream.getInputStream(), client.getOutputStream());
                } catch (IOException | RuntimeException e) {
                    return;
                }
            }
        }

        private static void pipe(InputStream from, OutputStream to) {
            Thread t = new Thread(() -> {
                try (from; to) {
                    from.transferTo(to);
                } catch (IOException ignored) {
                    // one side closed
                }
            }, "test-connect-proxy-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void sessionRunsThroughAnHttpConnectProxy() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().pace(0).start(); ConnectProxy proxy = new ConnectProxy()) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA))
                    .credentials(Credentials.apiKey("sk-proxy-test"))
                    .transport(WebSocketTransport.create().httpProxy("127.0.0.1", proxy.server.getLocalPort()))
                    .build();
            try (RealtimeSession session = client.connect().block(Duration.ofSeconds(20))) {
                assertThat(session.events().blockFirst(Duration.ofSeconds(20))).isInstanceOf(ServerEvent.SessionCreated.class);
            }
            assertThat(proxy.targets).containsExactly("127.0.0.1:" + emulator.port());
        }
    }
}
