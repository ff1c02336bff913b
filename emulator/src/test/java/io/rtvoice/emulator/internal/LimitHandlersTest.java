package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection-limit handlers, each alone on an {@link EmbeddedChannel}, on virtual time. */
class LimitHandlersTest {

    @Test
    void handshakeDeadlineClosesTheChannelWhenItPassesAndNotOnceRemoved() {
        EmbeddedChannel late = new EmbeddedChannel(new HandshakeDeadline(100, false));
        late.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        assertThat(late.isOpen()).isTrue();
        late.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        assertThat(late.isOpen()).isFalse();

        EmbeddedChannel upgraded = new EmbeddedChannel(new HandshakeDeadline(100, false));
        upgraded.pipeline().remove(HandshakeDeadline.class);
        upgraded.advanceTimeBy(1, TimeUnit.SECONDS);
        upgraded.runScheduledPendingTasks();
        assertThat(upgraded.isOpen()).isTrue();
        upgraded.finishAndReleaseAll();
    }

    @Test
    void connectionCapClosesTheConnectionBeyondItAndCountsOneOutWhenItCloses() {
        EmulatorStats stats = new EmulatorStats();
        ConnectionCap cap = new ConnectionCap(1, stats, false);
        EmbeddedChannel first = new EmbeddedChannel(cap);
        EmbeddedChannel second = new EmbeddedChannel(cap);
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isFalse();
        assertThat(stats.refused()).isEqualTo(1);

        first.close();
        EmbeddedChannel third = new EmbeddedChannel(cap);
        assertThat(third.isOpen()).isTrue();
        third.finishAndReleaseAll();
    }

    @Test
    void idleCloserSendsClose1001AndClosesOnReaderIdle() {
        EmbeddedChannel channel = new EmbeddedChannel(new IdleCloser(false));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1001);
        assertThat(close.reasonText()).isEqualTo("idle timeout");
        close.release();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void readsStopWhileTheChannelIsNotWritableAndResumeWhenItIs() {
        EmbeddedChannel channel = new EmbeddedChannel(ReadsFollowWritability.INSTANCE);
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        channel.write(Unpooled.wrappedBuffer(new byte[32])); // queued, not flushed: over the high mark
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.flush();
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isTrue();
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aFailedAcceptIsCountedAndAcceptingPausesForASecond() {
        EmulatorStats stats = new EmulatorStats();
        EmbeddedChannel server = new EmbeddedChannel(new AcceptErrors(stats));
        server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        assertThat(stats.acceptErrors()).isEqualTo(1);
        assertThat(server.config().isAutoRead()).isFalse();
        server.advanceTimeBy(AcceptErrors.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.config().isAutoRead()).isTrue();
        server.checkException(); // the error ended in the handler, not at the pipeline's tail
        assertThat(server.isOpen()).isTrue();
        server.finishAndReleaseAll();
    }
}
