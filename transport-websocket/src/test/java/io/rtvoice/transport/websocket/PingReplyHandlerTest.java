package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link PingReplyHandler} on an {@code EmbeddedChannel}. */
class PingReplyHandlerTest {

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayloadAndEndsHere() {
        EmbeddedChannel channel = new EmbeddedChannel(PingReplyHandler.INSTANCE);
        PingWebSocketFrame ping = new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8));
        channel.writeInbound(ping);

        assertThat(channel.<Object>readInbound()).isNull();
        PongWebSocketFrame pong = channel.readOutbound();
        assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("are you there");
        pong.release();
        assertThat(ping.refCnt()).as("the ping's buffer went into the pong").isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void otherFramesGoOnUnanswered() {
        EmbeddedChannel channel = new EmbeddedChannel(PingReplyHandler.INSTANCE);
        TextWebSocketFrame text = new TextWebSocketFrame("{}");
        channel.writeInbound(text);

        assertThat(channel.<Object>readInbound()).isSameAs(text);
        assertThat(channel.<Object>readOutbound()).isNull();
        text.release();
        assertThat(channel.finish()).isFalse();
    }
}
