package io.ztna.agent;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.TunnelAcceptor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client gateway stand-in on 127.0.0.1: accepts agent tunnels with mutual TLS and records
 * every control message with the tunnel it arrived on. It sends nothing by itself.
 */
final class GatewayStub implements AutoCloseable {

    /** A control message and the tunnel it arrived on. */
    record Received(Tunnel tunnel, ControlMessage message) {
    }

    private final EventLoopGroup group = Transports.newGroup(1);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final TunnelAcceptor acceptor;

    private GatewayStub(TlsConfig gatewayTls) throws Exception {
        acceptor = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.server(gatewayTls, Set.of(PeerRole.USER)), TunnelOptions.defaults(),
                (peer, channel) -> new Listener()).bind();
    }

    /** Binds on 127.0.0.1 with a free port, admitting user certificates of the same CA. */
    static GatewayStub start(TlsConfig gatewayTls) throws Exception {
        return new GatewayStub(gatewayTls);
    }

    InetSocketAddress address() {
        return acceptor.localAddress();
    }

    /**
     * Returns the next message of {@code type}, skipping messages of other types, waiting up to
     * {@code timeout} in all.
     */
    <T extends ControlMessage> Received next(Class<T> type, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            Received next = received.poll(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout);
            }
            if (type.isInstance(next.message())) {
                return next;
            }
        }
    }

    @Override
    public void close() {
        acceptor.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Listener implements TunnelListener {

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "the gateway stub accepts no flows");
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            received.add(new Received(tunnel, ControlCodec.decode(json)));
        }
    }
}
