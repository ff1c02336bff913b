package io.rtvoice.emulator.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading a client while what was written to it piles up past the high water mark, and reads again
 * once it drained below the low one: a client that asks and never reads its answers (large
 * {@code conversation.item.retrieve}s, say) gets no more answers queued than its requests already read.
 * Shared by all connections.
 */
@ChannelHandler.Sharable
final class ReadsFollowWritability extends ChannelInboundHandlerAdapter {

    static final ReadsFollowWritability INSTANCE = new ReadsFollowWritability();

    private ReadsFollowWritability() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
