package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@link TextFrameHandler} on an {@code EmbeddedChannel}. */
class TextFrameHandlerTest {

    static final Duration WAIT = Duration.ofSeconds(5);

    final TextFrameHandler handler = new TextFrameHandler();
    final EmbeddedChannel channel = new EmbeddedChannel(handler);

    @Test
    void textFramesArriveInWireOrderAndEveryBufferIsReleased() {
        List<WebSocketFrame> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(new TextWebSocketFrame("{\"n\":" + i + "}"));
        }
        List<String> texts = sent.stream().map(f -> ((TextWebSocketFrame) f).text()).toList();
        sent.add(2, new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        sent.forEach(channel::writeInbound);
        channel.close();

        StepVerifier.create(handler.frames().map(b -> new String(b, StandardCharsets.UTF_8)))
                .expectNextSequence(texts)
                .expectComplete()
                .verify(WAIT);
        assertThat(sent).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
        assertThat(channel.<Object>readInbound()).as("frames end here").isNull();
    }

    @Test
    void aBrokenChannelFailsTheStreamWithTheCauseAndIsClosed() {
        IOException reset = new IOException("Connection reset by peer");
        channel.pipeline().fireExceptionCaught(reset);

        StepVerifier.create(handler.frames())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportException.class)
                        .hasMessage("connection broken: java.io.IOException: Connection reset by peer").hasCause(reset))
                .verify(WAIT);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aTransportExceptionFailsTheStreamAsItIs() {
        TransportException dead = new TransportException("connection presumed dead", 0, null);
        channel.pipeline().fireExceptionCaught(dead);

        StepVerifier.create(handler.frames()).expectErrorSatisfies(e -> assertThat(e).isSameAs(dead)).verify(WAIT);
    }

    @Test
    void whatIsNotAFrameGoesOn() {
        Object other = "not a frame";
        channel.writeInbound(other);

        assertThat(channel.<Object>readInbound()).isSameAs(other);
        assertThat(channel.finish()).isFalse();
    }
}
