package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    void framesAreLentAsViewsOfTheirBuffersWhichAreReleasedWhenTheReceiverReturns() {
        List<String> received = new ArrayList<>();
        List<Integer> refCountsDuring = new ArrayList<>();
        List<TextWebSocketFrame> sent = new ArrayList<>();
        handler.receive(new TransportConnection.Receiver() {
            @Override
            public void frame(ByteBuffer utf8) {
                refCountsDuring.add(sent.get(received.size()).refCnt());
                received.add(StandardCharsets.UTF_8.decode(utf8).toString());
            }

            @Override
            public void completed() {
                received.add("completed");
            }

            @Override
            public void failed(Throwable error) {
                received.add("failed");
            }
        });
        for (int i = 0; i < 3; i++) {
            TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.directBuffer().writeBytes(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            sent.add(frame);
            channel.writeInbound(frame);
        }
        channel.close();

        assertThat(received).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "completed");
        assertThat(refCountsDuring).as("the buffer is alive while lent").containsOnly(1);
        assertThat(sent).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
    }

    @Test
    void framesBeforeTheReceiverAreKeptForItInOrderAndASecondReceiverIsRefused() {
        channel.writeInbound(new TextWebSocketFrame("{\"early\":1}"));
        channel.writeInbound(new TextWebSocketFrame("{\"early\":2}"));
        List<String> received = new ArrayList<>();
        TransportConnection.Receiver receiver = new TransportConnection.Receiver() {
            @Override
            public void frame(ByteBuffer utf8) {
                received.add(StandardCharsets.UTF_8.decode(utf8).toString());
            }

            @Override
            public void completed() {
            }

            @Override
            public void failed(Throwable error) {
            }
        };
        handler.receive(receiver);
        channel.writeInbound(new TextWebSocketFrame("{\"late\":3}"));

        assertThat(received).containsExactly("{\"early\":1}", "{\"early\":2}", "{\"late\":3}");
        assertThatThrownBy(() -> handler.receive(receiver)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the connection's frames are already being received");
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
