package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.policy.HostPattern;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection that a kernel rule redirected to the transparent capture listener. It reads
 * the connection's original destination. The flow travels as the app's host name when that is
 * a stub address, else as the address itself. Then it is steered and opened like the flows of
 * every capture mode.
 *
 * <p>The client's TCP handshake completed in the kernel, so the client takes the connection for
 * the app's. A plain TCP client learns of a failure only from a reset. So every failure closes
 * the socket with SO_LINGER 0 at once, from an unknown stub address to a blocked app or a failed
 * open, and the client gets a reset, never a hang. Bytes the client sends while
 * the far end connects are kept and sent first, as for SOCKS5.
 *
 * <p>Runs on the connection's event loop. The socket starts with AUTO_READ off.
 */
final class TransparentConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TransparentConnectionHandler.class);
    private static final String MODE = "transparent";

    private final StubAddressLookup stubs;
    private final List<HostPattern> stubRanges;
    private final Steering steering;
    private final FlowOpener opener;
    private final CaptureTimeouts timeouts;
    private final int socketMark;
    private final EarlyClientInput early = new EarlyClientInput();
    private CapturedFlow flowInProgress;

    TransparentConnectionHandler(StubAddressLookup stubs, List<HostPattern> stubRanges,
            Steering steering, FlowOpener opener, CaptureTimeouts timeouts, int socketMark) {
        this.stubs = stubs;
        this.stubRanges = stubRanges;
        this.steering = steering;
        this.opener = opener;
        this.timeouts = timeouts;
        this.socketMark = socketMark;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        Channel client = ctx.channel();
        InetSocketAddress original;
        try {
            original = OriginalDestination.of(client);
        } catch (ChannelException e) {
            log.info("{} captured connection reset: client={} reason=\"no original destination, "
                    + "the connection was not redirected\" error=\"{}\"", id(client),
                    client.remoteAddress(), e.getMessage());
            reset(client);
            return;
        }
        if (original.equals(client.localAddress())) {
            log.info("{} captured connection reset: client={} reason=\"connection made to the "
                    + "capture listener itself, not redirected\"", id(client),
                    client.remoteAddress());
            reset(client);
            return;
        }
        boolean stub = isStub(original.getAddress(), stubRanges);
        String host = flowHost(original.getAddress(), stubRanges, stubs);
        if (host == null) {
            log.info("{} captured connection reset: client={} destination={}:{} reason=\"stub "
                    + "address not assigned to any app name\"", id(client),
                    client.remoteAddress(), NetUtil.toAddressString(original.getAddress()),
                    original.getPort());
            reset(client);
            return;
        }
        FlowMetadata flow;
        try {
            flow = FlowMetadata.tcp(host, original.getPort());
        } catch (IllegalArgumentException e) {
            log.info("{} captured connection reset: client={} error=\"{}\"", id(client),
                    client.remoteAddress(), e.getMessage());
            reset(client);
            return;
        }
        flowInProgress = new CapturedFlow(client, MODE, flow, early, new CapturedFlow.Replies() {
            @Override
            public ChannelFuture connected() {
                return client.newSucceededFuture();
            }

            @Override
            public void refused(Steering.Decision decision) {
                reset(client);
            }

            @Override
            public void failed(OpenResult result) {
                reset(client);
            }

            @Override
            public void detach() {
                ctx.pipeline().remove(TransparentConnectionHandler.this);
            }
        });
        // A stub address has no app behind it, so an uncovered name is rejected, not connected.
        flowInProgress.start(steering, opener, timeouts, !stub, socketMark);
        if (flowInProgress.awaitingFarEnd()) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data && flowInProgress != null) {
            early.add(data);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flowInProgress != null && flowInProgress.awaitingFarEnd() && early.wantsMore()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            early.markInputShutdown();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} captured connection failed: client={} error={}", id(ctx.channel()),
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /**
     * Returns the host a captured flow travels as. For a stub address it is the app name the
     * address was handed out for, or null when the lookup does not know the address. For any
     * other destination it is the address in text form, such as {@code 10.20.1.5}.
     */
    static String flowHost(InetAddress original, List<HostPattern> stubRanges,
            StubAddressLookup stubs) {
        return isStub(original, stubRanges) ? stubs.hostFor(original)
                : NetUtil.toAddressString(original);
    }

    private static boolean isStub(InetAddress address, List<HostPattern> stubRanges) {
        String text = NetUtil.toAddressString(address);
        return stubRanges.stream().anyMatch(range -> range.matches(text));
    }

    /** Closes with SO_LINGER 0, so the client sees a TCP reset at once. */
    private static void reset(Channel client) {
        if (client.isActive()) {
            client.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        client.close();
    }

    private static String id(Channel channel) {
        return channel.id().asShortText();
    }
}
