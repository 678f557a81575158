package io.ztna.publisher;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.PublisherStatusMessage;
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
import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A publisher gateway stand-in on 127.0.0.1 that accepts publisher tunnels and keeps every
 * status message they send, in order of arrival.
 */
final class StubGateway implements AutoCloseable {

    final BlockingQueue<PublisherStatusMessage> statuses = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = Transports.newGroup(1);
    private final TunnelAcceptor acceptor;

    StubGateway(TlsConfig tls) throws Exception {
        acceptor = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.server(tls, EnumSet.of(PeerRole.PUBLISHER)),
                TunnelOptions.defaults().withKeepalive(1_000, 3_000),
                (peer, channel) -> new Listener()).bind();
    }

    InetSocketAddress address() {
        return acceptor.localAddress();
    }

    /** Waits up to 5 s for the next status message. */
    PublisherStatusMessage nextStatus() throws InterruptedException {
        PublisherStatusMessage status = statuses.poll(5, TimeUnit.SECONDS);
        if (status == null) {
            throw new AssertionError("no publisher status message within 5 s");
        }
        return status;
    }

    @Override
    public void close() {
        acceptor.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Listener implements TunnelListener {

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "the stub gateway opens no flows");
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            ControlMessage message = ControlCodec.decode(json);
            if (message instanceof PublisherStatusMessage status) {
                statuses.add(status);
            }
        }
    }
}
