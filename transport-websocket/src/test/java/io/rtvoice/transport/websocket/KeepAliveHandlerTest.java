package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rtvoice.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KeepAliveHandler} on an {@code EmbeddedChannel} whose clock moves only when told. */
class KeepAliveHandlerTest {

    static final long INTERVAL_MS = 50;
    static final long TIMEOUT_MS = 300;

    EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new KeepAliveHandler(Duration.ofMillis(INTERVAL_MS), Duration.ofMillis(TIMEOUT_MS)));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** Moves the clock on by {@code millis} and runs what came due. */
    void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Takes the ping written since the last call, checks its payload and releases it. */
    void expectOnePing() {
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).as("a ping").isNotNull();
        try {
            assertThat(ping.content().toString(StandardCharsets.US_ASCII)).isEqualTo("rtvoice");
        } finally {
            ping.release();
        }
        assertThat(channel.<Object>readOutbound()).as("only one ping").isNull();
    }

    @Test
    void sendsAPingAfterEachInterval() {
        advance(INTERVAL_MS - 1);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(1);
        expectOnePing();
        advance(INTERVAL_MS);
        expectOnePing();
    }

    @Test
    void closesWithADeadPeerErrorAfterTheTimeoutWithoutAPong() {
        for (long at = INTERVAL_MS; at < TIMEOUT_MS; at += INTERVAL_MS) {
            advance(INTERVAL_MS);
            expectOnePing();
            assertThat(channel.isOpen()).as("open at %d ms", at).isTrue();
        }
        advance(INTERVAL_MS);

        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.<Object>readOutbound()).as("no ping to a dead peer").isNull();
        assertThatThrownBy(channel::checkException).isInstanceOf(TransportException.class)
                .hasMessageContaining("presumed dead").hasMessageContaining("dead-peer timeout " + TIMEOUT_MS + " ms");
    }

    @Test
    void aPongPutsOffTheTimeoutAndEndsHere() {
        for (int i = 0; i < 5; i++) {
            advance(INTERVAL_MS);
            expectOnePing();
        }
        PongWebSocketFrame pong = new PongWebSocketFrame(Unpooled.copiedBuffer("rtvoice", StandardCharsets.US_ASCII));
        channel.writeInbound(pong); // at 250 ms: silent from here

        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(pong.refCnt()).isZero();
        for (int i = 0; i < 5; i++) {
            advance(INTERVAL_MS); // up to 500 ms: 250 ms silent
            expectOnePing();
        }
        assertThat(channel.isOpen()).isTrue();
        advance(INTERVAL_MS); // 300 ms silent
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(channel::checkException).hasMessageContaining("presumed dead");
    }

    @Test
    void anyFrameCountsAsASignOfLifeAndGoesOn() {
        advance(TIMEOUT_MS - INTERVAL_MS);
        channel.releaseOutbound();
        TextWebSocketFrame text = new TextWebSocketFrame("{\"type\":\"response.created\"}");
        channel.writeInbound(text);

        assertThat(channel.<Object>readInbound()).isSameAs(text);
        text.release();
        advance(TIMEOUT_MS - INTERVAL_MS);
        channel.releaseOutbound();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void noPingsOnceTheChannelIsClosed() {
        channel.close();
        advance(TIMEOUT_MS * 2);
        assertThat(channel.<Object>readOutbound()).isNull();
    }
}
