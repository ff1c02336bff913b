package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@link CloseHandshakeHandler} on an {@code EmbeddedChannel} whose clock moves only when told. */
class CloseHandshakeHandlerTest {

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration WAIT = Duration.ofSeconds(5);

    EmbeddedChannel channel;
    CloseHandshakeHandler handler;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        handler = new CloseHandshakeHandler(CLOSE_TIMEOUT);
        channel.pipeline().addLast(handler);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    void expectStatus(int code, String reason) {
        StepVerifier.create(handler.closeStatus()).expectNext(new CloseStatus(code, reason)).expectComplete().verify(WAIT);
    }

    /** Takes the close frame written, checks its code and reason and releases it. */
    void expectCloseWritten(int code, String reason) {
        CloseWebSocketFrame written = channel.readOutbound();
        assertThat(written).as("a close frame").isNotNull();
        try {
            assertThat(written.statusCode()).isEqualTo(code);
            assertThat(written.reasonText()).isEqualTo(reason);
        } finally {
            written.release();
        }
        assertThat(channel.<Object>readOutbound()).as("one close frame").isNull();
    }

    @Test
    void thePeersCloseIsAnsweredWithItsCodeThenTheChannelCloses() {
        CloseWebSocketFrame peer = new CloseWebSocketFrame(1001, "session_expired");
        channel.writeInbound(peer);

        assertThat(channel.<Object>readInbound()).as("the close frame ends here").isNull();
        assertThat(peer.refCnt()).isZero();
        expectCloseWritten(1001, "session_expired");
        assertThat(channel.isOpen()).isFalse();
        expectStatus(1001, "session_expired");
    }

    @Test
    void aCloseWithoutACodeIs1005AndIsAnsweredWithoutOne() {
        channel.writeInbound(new CloseWebSocketFrame());

        expectCloseWritten(-1, "");
        expectStatus(1005, "");
    }

    @Test
    void ourCloseGoesOutAndThePeersAnswerClosesTheChannel() {
        channel.writeOutbound(new CloseWebSocketFrame(1000, "client closed"));
        expectCloseWritten(1000, "client closed");
        assertThat(channel.isOpen()).as("reading on until the peer's close").isTrue();
        TextWebSocketFrame late = new TextWebSocketFrame("{\"type\":\"response.done\"}");
        channel.writeInbound(late);
        assertThat(channel.<Object>readInbound()).as("frames sent before the peer's close still arrive").isSameAs(late);
        late.release();

        CloseWebSocketFrame answer = new CloseWebSocketFrame(1000, "");
        channel.writeInbound(answer);

        assertThat(answer.refCnt()).isZero();
        assertThat(channel.<Object>readOutbound()).as("the answer is not answered").isNull();
        assertThat(channel.isOpen()).isFalse();
        expectStatus(1000, "client closed");
    }

    @Test
    void aPeerThatNeverAnswersIsCutOffAfterTheCloseTimeout() {
        channel.writeOutbound(new CloseWebSocketFrame(1000, "client closed"));
        expectCloseWritten(1000, "client closed");

        channel.advanceTimeBy(CLOSE_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        expectStatus(1000, "client closed");
    }

    @Test
    void onlyTheFirstCloseFrameGoesOut() {
        channel.writeOutbound(new CloseWebSocketFrame(1000, "client closed"));
        CloseWebSocketFrame second = new CloseWebSocketFrame(1001, "going away");
        ChannelFuture secondWrite = channel.writeOneOutbound(second);
        channel.flushOutbound();

        expectCloseWritten(1000, "client closed");
        assertThat(secondWrite.isSuccess()).isTrue();
        assertThat(second.refCnt()).isZero();
    }

    @Test
    void aCloseCodeThatMayNotBeSentFailsTheWriteAndSendsNothing() {
        // Netty's constructor refuses 1006 but lets 5000 through; RFC 6455 §7.4.2 defines codes up to 4999.
        CloseWebSocketFrame undefined = new CloseWebSocketFrame(5000, "beyond the registry");
        ChannelFuture write = channel.writeOneOutbound(undefined);
        channel.flushOutbound();

        assertThat(write.cause()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code : 5000 (expected: 1000..1003, 1007..1014 or 3000..4999)");
        assertThat(undefined.refCnt()).isZero();
        assertThat(channel.<Object>readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void sendableCodesAreTheOnesRfc6455AllowsOnTheWire() {
        assertThat(CloseHandshakeHandler.isSendable(1000)).isTrue();
        assertThat(CloseHandshakeHandler.isSendable(1003)).isTrue();
        assertThat(CloseHandshakeHandler.isSendable(1011)).isTrue();
        assertThat(CloseHandshakeHandler.isSendable(4999)).isTrue();
        assertThat(CloseHandshakeHandler.isSendable(999)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(1004)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(1005)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(1006)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(1015)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(2999)).isFalse();
        assertThat(CloseHandshakeHandler.isSendable(5000)).isFalse();
    }

    @Test
    void aCloseFrameWrittenToAClosedChannelChangesNoStatus() {
        // As reactor-netty does when it tidies up a closed channel: an empty close frame, once the channel is
        // closed but before channelInactive has come by.
        CloseWebSocketFrame tidy = new CloseWebSocketFrame();
        channel.closeFuture().addListener(closed -> channel.writeAndFlush(tidy));
        channel.close();

        assertThat(tidy.refCnt()).isZero();
        expectStatus(CloseStatus.ABNORMAL.code(), CloseStatus.ABNORMAL.reason());
    }

    @Test
    void aChannelEndingWithoutACloseFrameIs1006() {
        channel.close();
        expectStatus(CloseStatus.ABNORMAL.code(), CloseStatus.ABNORMAL.reason());
    }

    @Test
    void aTransportExceptionComingDownIsTheReasonAndGoesOn() {
        TransportException dead = new TransportException("connection presumed dead", 0, null);
        channel.pipeline().fireExceptionCaught(dead);

        assertThatThrownBy(channel::checkException).isSameAs(dead);
        channel.close();
        expectStatus(1006, "connection presumed dead");
    }

    @Test
    void dataFramesPassBothWays() {
        TextWebSocketFrame in = new TextWebSocketFrame("in");
        TextWebSocketFrame out = new TextWebSocketFrame("out");
        channel.writeInbound(in);
        channel.writeOutbound(out);

        assertThat(channel.<Object>readInbound()).isSameAs(in);
        assertThat(channel.<Object>readOutbound()).isSameAs(out);
        in.release();
        out.release();
        assertThat(handler.closeStatus().toFuture()).as("no status while the connection is open").isNotDone();
    }
}
