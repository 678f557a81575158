package io.ztna.agent.capture;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.ztna.proto.transport.Listeners;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP proxy for CONNECT requests (RFC 9110 section 9.3.6), as used by
 * {@code curl --proxy http://127.0.0.1:3128 --proxytunnel} and by browsers for HTTPS. No proxy
 * authentication, CONNECT only, with names, IPv4 and bracketed IPv6 targets. Each destination
 * goes where {@link Steering} decides. {@code 200 Connection established} is sent only once the
 * far end connected, so a client sees success only for a live connection to the app, and
 * otherwise the status that matches the failure (see {@link HttpConnectHandler}).
 *
 * <p>Not thread-safe: call {@link #start()} and {@link #close()} from one thread. Connections
 * run on the event loops of the given group, which the caller owns and shuts down.
 */
public final class HttpConnectServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectServer.class);

    private final EventLoopGroup group;
    private final InetSocketAddress bindAddress;
    private final FlowOpener opener;
    private final Steering steering;
    private final CaptureTimeouts timeouts;
    private Channel serverChannel;

    /** Creates a server with {@link CaptureTimeouts#defaults()}. */
    public HttpConnectServer(EventLoopGroup group, InetSocketAddress bindAddress,
            FlowOpener opener, Steering steering) {
        this(group, bindAddress, opener, steering, CaptureTimeouts.defaults());
    }

    public HttpConnectServer(EventLoopGroup group, InetSocketAddress bindAddress,
            FlowOpener opener, Steering steering, CaptureTimeouts timeouts) {
        this.group = group;
        this.bindAddress = bindAddress;
        this.opener = opener;
        this.steering = steering;
        this.timeouts = timeouts;
    }

    /** Binds the listener, blocking until it is bound; throws when the bind fails. */
    public HttpConnectServer start() throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpRequestDecoder(),
                                new HttpResponseEncoder(),
                                new HttpConnectHandler(opener, steering, timeouts));
                    }
                });
        serverChannel = Listeners.bind(bootstrap, bindAddress, "the HTTP proxy");
        log.info("HTTP proxy listening: address={}", localAddress());
        return this;
    }

    /** Returns the bound address, with the port the system chose when port 0 was configured. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting; connections already accepted keep running. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
