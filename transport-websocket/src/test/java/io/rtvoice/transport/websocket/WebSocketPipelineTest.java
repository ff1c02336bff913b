package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;
import reactor.test.StepVerifier;

/**
 * The handlers of {@link WebSocketPipeline} together, on an {@code EmbeddedChannel} laid out as reactor-netty's
 * is after the handshake (stand-ins for the WebSocket codec and for reactor-netty's bridge).
 */
class WebSocketPipelineTest {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final int MAX_FRAME_BYTES = 16;
    static final WebSocketTransportConfig.KeepAlive KEEP_ALIVE =
            new WebSocketTransportConfig.KeepAlive(Duration.ofMillis(50), Duration.ofMillis(300));

    EmbeddedChannel channel;
    final CloseHandshakeHandler closeHandshake = new CloseHandshakeHandler(Duration.ofSeconds(5));
    final TextFrameHandler textFrames = new TextFrameHandler();

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast("ws-decoder", new ChannelDuplexHandler());
        channel.pipeline().addLast("reactor.right.reactiveBridge", new ChannelDuplexHandler());
        WebSocketPipeline.install(Connection.from(channel), KEEP_ALIVE, closeHandshake, MAX_FRAME_BYTES, textFrames);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void ourHandlersSitBetweenTheCodecAndTheBridgeInTheDrawnOrder() {
        assertThat(channel.pipeline().names()).startsWith("ws-decoder", WebSocketPipeline.KEEP_ALIVE,
                WebSocketPipeline.PING_REPLY, WebSocketPipeline.CLOSE_HANDSHAKE, WebSocketPipeline.FRAME_AGGREGATOR,
                WebSocketPipeline.TEXT_FRAMES, "reactor.right.reactiveBridge");
    }

    @Test
    void withoutKeepAliveThereIsNoKeepAliveHandler() {
        EmbeddedChannel plain = new EmbeddedChannel();
        WebSocketPipeline.install(Connection.from(plain), null, new CloseHandshakeHandler(Duration.ofSeconds(5)),
                MAX_FRAME_BYTES, new TextFrameHandler());
        assertThat(plain.pipeline().names()).doesNotContain(WebSocketPipeline.KEEP_ALIVE)
                .contains(WebSocketPipeline.PING_REPLY);
        plain.finishAndReleaseAll();
    }

    @Test
    void thePeersCloseStatusIsThereWhenTheInboundStreamCompletes() {
        AtomicReference<CloseStatus> atCompletion = new AtomicReference<>();
        textFrames.frames().subscribe(frame -> { }, error -> { },
                () -> closeHandshake.closeStatus().subscribe(atCompletion::set)); // at once, if the status is set
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"error\"}"));
        channel.writeInbound(new CloseWebSocketFrame(1001, "session_expired"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(atCompletion.get()).isEqualTo(new CloseStatus(1001, "session_expired"));
        CloseWebSocketFrame answer = channel.readOutbound();
        assertThat(answer.statusCode()).isEqualTo(1001);
        answer.release();
    }

    @Test
    void fragmentsArriveAsOneTextFrame() {
        channel.writeInbound(new TextWebSocketFrame(false, 0, "{\"a\":"));
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("mid", StandardCharsets.US_ASCII)));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, "1}"));
        channel.close();

        StepVerifier.create(textFrames.frames().map(b -> new String(b, StandardCharsets.UTF_8)))
                .expectNext("{\"a\":1}").expectComplete().verify(WAIT);
        PongWebSocketFrame pong = channel.readOutbound();
        assertThat(pong.content().toString(StandardCharsets.US_ASCII)).as("a ping between fragments is answered").isEqualTo("mid");
        pong.release();
    }

    @Test
    void fragmentsAddingUpToMoreThanTheLimitBreakTheConnection() {
        channel.writeInbound(new TextWebSocketFrame(false, 0, "0123456789"));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, "0123456789"));

        StepVerifier.create(textFrames.frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class)
                        .hasMessageContaining("connection broken").hasMessageContaining(String.valueOf(MAX_FRAME_BYTES)))
                .verify(WAIT);
        assertThat(channel.isOpen()).isFalse();
        assertThat(closeHandshake.closeStatus().block(WAIT)).isEqualTo(CloseStatus.ABNORMAL);
    }

    @Test
    void aDeadPeerFailsTheStreamWithTheVerdictWhichIsAlsoTheCloseReason() {
        for (int i = 0; i < 6; i++) {
            channel.advanceTimeBy(KEEP_ALIVE.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        channel.releaseOutbound(); // the pings

        StepVerifier.create(textFrames.frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class).hasMessageContaining("presumed dead"))
                .verify(WAIT);
        CloseStatus status = closeHandshake.closeStatus().block(WAIT);
        assertThat(status.code()).isEqualTo(1006);
        assertThat(status.reason()).contains("presumed dead");
    }
}
