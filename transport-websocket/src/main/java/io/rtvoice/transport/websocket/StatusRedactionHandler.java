package io.rtvoice.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.UnaryOperator;

/**
 * Redacts the request's credentials from the reason phrase of the handshake's HTTP response, before
 * reactor-netty's handshaker reads it: a server that answers {@code 401 Incorrect key sk-…} would
 * otherwise have the key in reactor-netty's WARN log and in the handshake exception. Passes everything
 * on, owns no buffer, and leaves the pipeline after the response.
 */
final class StatusRedactionHandler extends ChannelInboundHandlerAdapter {

    private final UnaryOperator<String> redact;

    StatusRedactionHandler(UnaryOperator<String> redact) {
        this.redact = redact;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            HttpResponseStatus status = response.status();
            String reason = redact.apply(status.reasonPhrase());
            if (!reason.equals(status.reasonPhrase())) {
                response.setStatus(new HttpResponseStatus(status.code(), reason));
            }
            ctx.pipeline().remove(this); // one response per connection: after it, only WebSocket frames pass
        }
        ctx.fireChannelRead(msg);
    }
}
